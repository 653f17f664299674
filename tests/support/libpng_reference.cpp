#include "libpng_reference.h"

#include <png.h>

#include <cstdio>

namespace tessera::testing {
namespace {

struct Reader {
  png_structp png = nullptr;
  png_infop info = nullptr;
  ~Reader() { png_destroy_read_struct(&png, &info, nullptr); }
};

// libpng reports errors by longjmp: this frame holds nothing with a destructor.
bool read_rows(png_structp png, png_infop info, std::FILE* file, std::vector<png_bytep>& rows,
               std::vector<png_byte>& pixels, ReferencePng& out) {
  if (setjmp(png_jmpbuf(png)) != 0) return false;
  png_init_io(png, file);
  png_read_info(png, info);
  png_set_expand(png);  // palette -> RGB, grey 1/2/4 -> 8, tRNS -> alpha
  png_read_update_info(png, info);
  out.width = static_cast<int>(png_get_image_width(png, info));
  out.height = static_cast<int>(png_get_image_height(png, info));
  out.channels = png_get_channels(png, info);
  out.bit_depth = png_get_bit_depth(png, info);
  const png_size_t row_bytes = png_get_rowbytes(png, info);
  pixels.resize(row_bytes * static_cast<std::size_t>(out.height));
  rows.resize(static_cast<std::size_t>(out.height));
  for (int y = 0; y < out.height; ++y) rows[y] = pixels.data() + row_bytes * y;
  png_read_image(png, rows.data());
  png_read_end(png, nullptr);
  return true;
}

}  // namespace

std::optional<ReferencePng> decode_with_libpng(const std::filesystem::path& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return std::nullopt;
  Reader reader;
  reader.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  reader.info = png_create_info_struct(reader.png);
  ReferencePng out;
  std::vector<png_bytep> rows;
  std::vector<png_byte> pixels;
  const bool ok = read_rows(reader.png, reader.info, file, rows, pixels, out);
  std::fclose(file);
  if (!ok) return std::nullopt;
  const std::size_t count = static_cast<std::size_t>(out.width) * out.height * out.channels;
  out.samples.resize(count);
  for (std::size_t i = 0; i < count; ++i) {
    out.samples[i] = out.bit_depth == 16
                         ? static_cast<std::uint16_t>(pixels[i * 2] << 8 | pixels[i * 2 + 1])
                         : pixels[i];
  }
  return out;
}

}  // namespace tessera::testing
