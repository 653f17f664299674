#pragma once
// `tessera --version [--json]`: the version on the first line (as scripts read it), then the
// commit, the build and what it is built with (tessera::build_info()), and the FFmpeg that
// `tessera video` (tessera-video) is built against.

namespace tessera::cli {

int print_version(bool json);

}  // namespace tessera::cli
