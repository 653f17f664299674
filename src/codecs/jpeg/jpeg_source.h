#pragma once
// A libjpeg data source reading a FILE* through a 64 KiB buffer.
//
// libjpeg-turbo's Huffman decoder takes its fast path only while the buffer holds at least
// 512 bytes per block of an MCU (about 3 KiB for 4:2:0). jpeg_stdio_src refills 4 KiB at a
// time, so most of each refill decodes on the slow path; 64 KiB keeps it fast about 95% of the
// time while the file is still streamed, never read whole (bench/codec_bench measures it).

// clang-format off
#include <cstdio>
#include <jpeglib.h>
// clang-format on

#include <array>

namespace tessera::codecs {

struct JpegFileSource {
  jpeg_source_mgr library;  // first, so libjpeg's pointer to it is a pointer to the whole
  std::FILE* file = nullptr;
  bool started = false;
  std::array<JOCTET, 64 * 1024> buffer;
};

// Points `cinfo` at `source`, which must outlive the decompressor. Call inside guarded().
void use_file_source(jpeg_decompress_struct& cinfo, JpegFileSource& source, std::FILE* file);

}  // namespace tessera::codecs
