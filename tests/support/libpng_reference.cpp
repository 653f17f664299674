#include "libpng_reference.h"

#include <png.h>

#include <cstdio>
#include <cstring>

namespace tessera::testing {
namespace {

std::uint32_t sample_of(const Image& image, int x, int y, int channel) {
  const std::size_t index = static_cast<std::size_t>(x) * image.format().channels() + channel;
  if (image.format().sample == SampleType::U16) {
    std::uint16_t value = 0;
    std::memcpy(&value, image.row(y) + index * 2, 2);
    return value;
  }
  return std::to_integer<std::uint32_t>(image.row(y)[index]);
}

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

std::string mismatch_with_libpng(const Image& image, const ReferencePng& reference) {
  const int bits = image.format().sample == SampleType::U16 ? 16 : 8;
  if (reference.width != image.width() || reference.height != image.height() ||
      reference.channels != image.format().channels() || reference.bit_depth != bits) {
    return "format differs: tessera " + image.format().name() + ", libpng " +
           std::to_string(reference.channels) + " channels of " +
           std::to_string(reference.bit_depth) + " bits";
  }
  for (int y = 0; y < image.height(); ++y) {
    for (int x = 0; x < image.width(); ++x) {
      for (int c = 0; c < reference.channels; ++c) {
        if (sample_of(image, x, y, c) != reference.at(x, y, c)) {
          return "pixel (" + std::to_string(x) + ", " + std::to_string(y) + ") channel " +
                 std::to_string(c) + ": tessera " + std::to_string(sample_of(image, x, y, c)) +
                 ", libpng " + std::to_string(reference.at(x, y, c));
        }
      }
    }
  }
  return "";
}

}  // namespace tessera::testing
