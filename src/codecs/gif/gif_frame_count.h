// Counting an animated GIF's frames, and what their compositing needs, without decoding them.
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

// What compositing frames 0..last needs to know before decoding: the same walk, which also
// reads each graphics control extension, stopping after frame `last` unless `count_all`.
struct GifFrameScan {
  int frames = 0;             // the frames found (all of them when count_all)
  bool transparency = false;  // one of frames 0..last declares a transparent colour
  bool clears = false;        // one of frames 0..last-1 is disposed to the background
};
GifFrameScan scan_gif_frames(std::FILE* stream, int last, bool count_all);

}  // namespace tessera::codecs
