// Counting an animated GIF's frames without decoding them.
#pragma once

#include <cstdio>

namespace tessera::codecs {

// The image descriptors in the GIF at the stream's position, found by walking its records:
// colour tables and LZW data are skipped a block at a time, nothing is decoded or allocated
// (giflib's DGifGetImageDesc keeps every descriptor and colour map it reads, untracked: a
// hostile file of tiny frames would make it allocate without bound). The walk stops at the
// trailer, at the end of the file or at a record that does not parse: the decode reports
// damage. The stream is left where it was.
int count_gif_frames(std::FILE* stream);

}  // namespace tessera::codecs
