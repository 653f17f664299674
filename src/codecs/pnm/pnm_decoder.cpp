// Netpbm decoding, by hand (the formats are a page each): PBM, PGM and PPM in ASCII (P1-P3) and
// binary (P4-P6), and PAM (P7). Rows stream; samples are scaled from the file's maxval to the
// full 8 or 16-bit range; a sample over maxval or a file that ends early is CorruptData.

#include <fmt/format.h>

#include <bit>
#include <cctype>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "codecs/limits.h"
#include "codecs/pnm/pnm_codec.h"
#include "core/fault_injection.h"
#include "tessera/error.h"

namespace tessera::codecs {
namespace {

// Reads header tokens and ASCII samples, skipping whitespace and # comments.
class TokenReader {
 public:
  TokenReader(std::FILE* stream, const std::filesystem::path& path)
      : stream_(stream), path_(path) {}

  std::string token() {
    int c = std::fgetc(stream_);
    for (;;) {
      while (c != EOF && std::isspace(c)) c = std::fgetc(stream_);
      if (c != '#') break;
      while (c != EOF && c != '\n') c = std::fgetc(stream_);
    }
    std::string text;
    while (c != EOF && !std::isspace(c) && text.size() < 64) {
      text += static_cast<char>(c);
      c = std::fgetc(stream_);
    }
    if (text.empty()) throw corrupt("the file ends too early");
    return text;
  }

  std::uint32_t number(std::uint32_t maximum, const char* what) {
    const std::string text = token();
    std::uint64_t value = 0;
    for (const char c : text) {
      if (!std::isdigit(static_cast<unsigned char>(c)) || value > maximum) {
        throw corrupt(fmt::format("'{}' is not a valid {}", text, what));
      }
      value = value * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (value > maximum) throw corrupt(fmt::format("{} {} is over {}", what, value, maximum));
    return static_cast<std::uint32_t>(value);
  }

  // One PBM ASCII digit: P1 allows them without separators.
  std::uint32_t bit() {
    int c = std::fgetc(stream_);
    while (c != EOF && (std::isspace(c) || c == '#')) {
      if (c == '#') {
        while (c != EOF && c != '\n') c = std::fgetc(stream_);
      }
      c = std::fgetc(stream_);
    }
    if (c != '0' && c != '1')
      throw corrupt(c == EOF ? "the file ends too early" : "a PBM pixel is not 0 or 1");
    return static_cast<std::uint32_t>(c - '0');
  }

  Error corrupt(const std::string& what) const {
    return Error(ErrorCode::CorruptData, fmt::format("not a valid Netpbm file: {}", what),
                 {.path = path_.string(), .operation = "decode"});
  }

 private:
  std::FILE* stream_;
  const std::filesystem::path& path_;
};

struct Header {
  char kind = '6';  // the digit after 'P'
  std::uint32_t width = 0, height = 0, depth = 1, maxval = 255;
};

Header read_header(TokenReader& reader) {
  Header header;
  const std::string magic = reader.token();
  if (magic.size() != 2 || magic[0] != 'P' || magic[1] < '1' || magic[1] > '7') {
    throw reader.corrupt("it does not start with P1 to P7");
  }
  header.kind = magic[1];
  if (header.kind == '7') {  // PAM: named fields up to ENDHDR
    for (std::string field = reader.token(); field != "ENDHDR"; field = reader.token()) {
      if (field == "WIDTH")
        header.width = reader.number(INT32_MAX, "width");
      else if (field == "HEIGHT")
        header.height = reader.number(INT32_MAX, "height");
      else if (field == "DEPTH")
        header.depth = reader.number(4, "depth");
      else if (field == "MAXVAL")
        header.maxval = reader.number(65535, "maxval");
      else if (field == "TUPLTYPE")
        (void)reader.token();
      else
        throw reader.corrupt(fmt::format("unknown PAM header field '{}'", field));
    }
    if (header.depth == 0) throw reader.corrupt("depth 0");
  } else {
    header.width = reader.number(INT32_MAX, "width");
    header.height = reader.number(INT32_MAX, "height");
    header.depth = header.kind == '3' || header.kind == '6' ? 3 : 1;
    header.maxval = header.kind == '1' || header.kind == '4' ? 1 : reader.number(65535, "maxval");
  }
  if (header.maxval == 0) throw reader.corrupt("maxval 0");
  return header;
}

class PnmDecoder final : public Decoder {
 public:
  PnmDecoder(const std::filesystem::path& path, const ImageInfo& info,
             std::unique_ptr<InputFile> file, const Header& header)
      : Decoder(path, info),
        file_(std::move(file)),
        header_(header),
        reader_(file_->stream(), this->path()) {}

 private:
  void decode_rows(const MutableImageView& rows) override {
    const std::size_t samples = static_cast<std::size_t>(width()) * header_.depth;
    const bool binary = header_.kind >= '4';
    const std::size_t sample_bytes = header_.maxval > 255 ? 2 : 1;
    // Most files: binary samples at the full 8 or 16-bit range, which are the row as it is
    // (16-bit big-endian), read straight into place instead of sample by sample and scaled.
    const bool in_place =
        binary && header_.kind != '4' && (header_.maxval == 255 || header_.maxval == 65535);
    for (int y = 0; y < rows.height(); ++y) {
      if (detail::inject_fault()) throw reader_.corrupt("injected fault (testing::FaultInjection)");
      values_.resize(in_place ? 0 : samples);
      try {
        if (in_place) {
          read_row_in_place(rows.row(y), samples * sample_bytes, sample_bytes);
          continue;
        }
        read_row(samples, binary, sample_bytes);
      } catch (const Error& error) {
        // The end of the file is truncation (an error unless FailOn::None); other damage is an
        // error unless FailOn::None.
        const bool truncated = std::feof(file_->stream()) != 0;
        if (error.code() != ErrorCode::CorruptData || (!truncated && fail_on() != FailOn::None))
          throw;
        data_ended(rows_read() + y, error.message());
        fill_grey(rows, y);
        return;
      }
      store(rows.row(y));
    }
  }

  void read_row(std::size_t samples, bool binary, std::size_t sample_bytes) {
    {
      if (header_.kind == '4') {
        read_packed_bits();
      } else if (binary) {
        raw_.resize(samples * sample_bytes);
        if (std::fread(raw_.data(), 1, raw_.size(), file_->stream()) != raw_.size()) {
          throw reader_.corrupt("the file ends too early");
        }
        for (std::size_t i = 0; i < samples; ++i) {
          values_[i] = sample_bytes == 2
                           ? static_cast<std::uint32_t>(raw_[i * 2] << 8 | raw_[i * 2 + 1])
                           : raw_[i];
        }
      } else {
        for (std::size_t i = 0; i < samples; ++i) {
          values_[i] =
              header_.kind == '1' ? reader_.bit() : reader_.number(header_.maxval, "sample");
        }
      }
    }
  }

  void read_row_in_place(std::byte* row, std::size_t bytes, std::size_t sample_bytes) {
    if (std::fread(row, 1, bytes, file_->stream()) != bytes) {
      throw reader_.corrupt("the file ends too early");
    }
    if (sample_bytes == 2 && std::endian::native == std::endian::little) {
      for (std::size_t i = 0; i < bytes; i += 2) std::swap(row[i], row[i + 1]);  // big-endian
    }
  }

  // P4: 1 is black, rows padded to whole bytes.
  void read_packed_bits() {
    raw_.resize((static_cast<std::size_t>(width()) + 7) / 8);
    if (std::fread(raw_.data(), 1, raw_.size(), file_->stream()) != raw_.size()) {
      throw reader_.corrupt("the file ends too early");
    }
    for (int x = 0; x < width(); ++x)
      values_[static_cast<std::size_t>(x)] =
          raw_[static_cast<std::size_t>(x / 8)] >> (7 - x % 8) & 1;
  }

  // Samples scaled from maxval to the full range; PBM's 1 (black) to 0.
  void store(std::byte* row) {
    const bool bitmap = header_.kind == '1' || header_.kind == '4';
    const std::uint32_t full = format().sample == SampleType::U16 ? 65535 : 255;
    for (std::size_t i = 0; i < values_.size(); ++i) {
      std::uint32_t value = values_[i];
      if (value > header_.maxval)
        throw reader_.corrupt(fmt::format("sample {} is over maxval {}", value, header_.maxval));
      if (bitmap) value = 1 - value;
      const std::uint32_t scaled = (value * full + header_.maxval / 2) / header_.maxval;
      if (full == 65535) {
        const auto sample = static_cast<std::uint16_t>(scaled);
        std::memcpy(row + i * 2, &sample, 2);
      } else {
        row[i] = static_cast<std::byte>(scaled);
      }
    }
  }

  std::unique_ptr<InputFile> file_;
  Header header_;
  TokenReader reader_;
  std::vector<std::uint32_t> values_;
  std::vector<std::uint8_t> raw_;
};

}  // namespace

std::unique_ptr<Decoder> open_pnm_decoder(std::unique_ptr<InputFile> file,
                                          const std::filesystem::path& path,
                                          const DecodeOptions& options) {
  TokenReader reader(file->stream(), path);
  const Header header = read_header(reader);
  ImageInfo info;
  info.format = FileFormat::Pnm;
  info.width = static_cast<int>(header.width);
  info.height = static_cast<int>(header.height);
  constexpr ChannelLayout kLayouts[] = {ChannelLayout::Gray, ChannelLayout::GrayAlpha,
                                        ChannelLayout::Rgb, ChannelLayout::Rgba};
  info.pixel_format = {kLayouts[header.depth - 1],
                       header.maxval > 255 ? SampleType::U16 : SampleType::U8};
  check_limits(info, 0, options.limits, path);
  return std::make_unique<PnmDecoder>(path, info, std::move(file), header);
}

}  // namespace tessera::codecs
