#pragma once
// `tessera info --formats`: the format table as a user reads it, every format with its
// extensions, whether it is written, and the encode options convert and batch take for it.

namespace tessera::cli {

// Prints the listing on stdout; returns 0.
int run_formats_listing();

}  // namespace tessera::cli
