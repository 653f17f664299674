#include "codecs/jpeg/jpeg_source.h"

// clang-format off
#include <jerror.h>
// clang-format on

namespace tessera::codecs {
namespace {

JpegFileSource& source_of(j_decompress_ptr cinfo) {
  return *reinterpret_cast<JpegFileSource*>(cinfo->src);
}

void init_source(j_decompress_ptr cinfo) { source_of(cinfo).started = false; }

// As libjpeg's own stdio source does: an empty file is an error; a file that ends early gets a
// warning and a fake EOI marker, so that what was decoded so far is kept (as djpeg does).
boolean fill_input_buffer(j_decompress_ptr cinfo) {
  JpegFileSource& source = source_of(cinfo);
  std::size_t got = std::fread(source.buffer.data(), 1, source.buffer.size(), source.file);
  if (got == 0) {
    if (!source.started) ERREXIT(cinfo, JERR_INPUT_EMPTY);
    WARNMS(cinfo, JWRN_JPEG_EOF);
    source.buffer[0] = 0xFF;
    source.buffer[1] = JPEG_EOI;
    got = 2;
  }
  source.library.next_input_byte = source.buffer.data();
  source.library.bytes_in_buffer = got;
  source.started = true;
  return TRUE;
}

void skip_input_data(j_decompress_ptr cinfo, long count) {
  if (count <= 0) return;
  jpeg_source_mgr& library = source_of(cinfo).library;
  while (count > static_cast<long>(library.bytes_in_buffer)) {
    count -= static_cast<long>(library.bytes_in_buffer);
    fill_input_buffer(cinfo);
  }
  library.next_input_byte += count;
  library.bytes_in_buffer -= static_cast<std::size_t>(count);
}

void term_source(j_decompress_ptr) {}

}  // namespace

void use_file_source(jpeg_decompress_struct& cinfo, JpegFileSource& source, std::FILE* file) {
  source.file = file;
  source.library.init_source = init_source;
  source.library.fill_input_buffer = fill_input_buffer;
  source.library.skip_input_data = skip_input_data;
  source.library.resync_to_restart = jpeg_resync_to_restart;
  source.library.term_source = term_source;
  source.library.bytes_in_buffer = 0;
  source.library.next_input_byte = nullptr;
  cinfo.src = &source.library;
}

}  // namespace tessera::codecs
