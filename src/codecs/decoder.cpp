// The Decoder and Encoder base classes: the row bookkeeping and the "bad state" rule that every
// format shares, so that each format only decodes and encodes.

#include <fmt/format.h>

#include "tessera/codec.h"
#include "tessera/error.h"

namespace tessera {
namespace {

void check_rows(int width, PixelFormat format, int view_width, PixelFormat view_format,
                int next_row, int rows, int height, const char* operation) {
  if (view_width != width || view_format != format) {
    throw Error(ErrorCode::InvalidArgument,
                fmt::format("rows of {} {} pixels were given where {} {} are expected", view_width,
                            view_format.name(), width, format.name()),
                {.path = {}, .operation = operation});
  }
  if (rows < 0 || rows > height - next_row) {
    throw Error(ErrorCode::InvalidArgument,
                fmt::format("{} rows asked for at row {} of {}", rows, next_row, height),
                {.path = {}, .operation = operation});
  }
}

// Runs `work`; if it throws, marks the coder failed first: after an error every later call
// refuses ("bad state"), as libspng's contexts do.
template <typename Work>
void poisoning_on_error(bool& failed, Work&& work) {
  try {
    work();
  } catch (...) {
    failed = true;
    throw;
  }
}

}  // namespace

std::size_t ImageInfo::decode_bytes() const {
  return static_cast<std::size_t>(aligned_stride(width, pixel_format)) *
         static_cast<std::size_t>(height);
}

Decoder::Decoder(std::filesystem::path path, ImageInfo info)
    : path_(std::move(path)),
      info_(info),
      width_(info.width),
      height_(info.height),
      format_(info.pixel_format) {}

Decoder::~Decoder() = default;

void Decoder::set_output(int width, int height, PixelFormat format) {
  width_ = width;
  height_ = height;
  format_ = format;
}

void Decoder::start() {
  if (failed_) {
    throw Error(ErrorCode::CorruptData, "bad state: an earlier error ended this decode",
                {.path = path_.string(), .operation = "decode"});
  }
  if (started_) return;
  poisoning_on_error(failed_, [&] { begin_decoding(); });
  started_ = true;
}

void Decoder::read_rows(const MutableImageView& rows) {
  start();
  check_rows(width_, format_, rows.width(), rows.format(), rows_read_, rows.height(), height_,
             "decode");
  poisoning_on_error(failed_, [&] { decode_rows(rows); });
  rows_read_ += rows.height();
}

Encoder::Encoder(int width, int height, PixelFormat format)
    : width_(width), height_(height), format_(format) {}

Encoder::~Encoder() = default;

void Encoder::write_rows(const ImageView& rows) {
  if (failed_ || finished_) {
    throw Error(
        ErrorCode::InvalidArgument,
        failed_ ? "bad state: an earlier error ended this encode" : "the file is already finished",
        {.path = {}, .operation = "encode"});
  }
  check_rows(width_, format_, rows.width(), rows.format(), rows_written_, rows.height(), height_,
             "encode");
  poisoning_on_error(failed_, [&] { encode_rows(rows); });
  rows_written_ += rows.height();
}

void Encoder::finish() {
  if (failed_ || finished_ || rows_written_ != height_) {
    throw Error(ErrorCode::InvalidArgument,
                failed_     ? "bad state: an earlier error ended this encode"
                : finished_ ? "the file is already finished"
                            : fmt::format("finish() after {} of {} rows", rows_written_, height_),
                {.path = {}, .operation = "encode"});
  }
  poisoning_on_error(failed_, [&] { finish_encoding(); });
  finished_ = true;
}

}  // namespace tessera
