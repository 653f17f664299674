// The Decoder and Encoder base classes: the row bookkeeping and the "bad state" rule that every
// format shares, so that each format only decodes and encodes.

#include <fmt/format.h>

#include <cstdio>
#include <cstring>

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
  if (data_ended_) {
    fill_grey(rows, 0);
  } else {
    poisoning_on_error(failed_, [&] { decode_rows(rows); });
  }
  rows_read_ += rows.height();
}

void Decoder::data_ended(int rows_done, std::string_view detail, bool later_rows_grey) {
  const std::string what = fmt::format("truncated: {} of {} rows ({})", rows_done, height_, detail);
  if (fail_on_ != FailOn::None) {
    throw Error(
        ErrorCode::CorruptData,
        fmt::format(
            "{}; the file is damaged or incomplete (--fail-on none, FailOn::None, accepts the "
            "partial image)",
            what),
        {.path = path_.string(), .operation = "decode"});
  }
  if (!warned_truncated_) {
    warned_truncated_ = true;
    // The caller asked for the partial image; a person should still hear that it is partial.
    warn(what + "; the missing rows are grey");
  }
  data_ended_ = data_ended_ || later_rows_grey;
}

void Decoder::warn(std::string message) {
  fmt::print(stderr, "tessera: warning: {}: {}\n", path_.string(), message);
  warnings_.push_back(std::move(message));
}

void Decoder::fill_grey(const MutableImageView& rows, int from) {
  // 0x80 is mid-grey in 8 bits and close to it in 16 (0x8080); float rows get 0.5 below.
  for (int y = from; y < rows.height(); ++y) {
    if (rows.format().sample == SampleType::F32) {
      float* row = rows.row<float>(y);
      for (std::size_t i = 0; i < rows.row_bytes() / sizeof(float); ++i) row[i] = 0.5F;
    } else {
      std::memset(rows.row(y), 0x80, rows.row_bytes());
    }
  }
}

Encoder::Encoder(int width, int height, PixelFormat format)
    : width_(width), height_(height), format_(format) {}

Encoder::~Encoder() = default;

template <typename Work>
void Encoder::reporting_output_errors(Work&& work) {
  try {
    work();
  } catch (const Error&) {
    check_output();  // a full disk, which the library may have called something else
    throw;
  }
}

void Encoder::write_rows(const ImageView& rows) {
  if (failed_ || finished_) {
    throw Error(
        ErrorCode::InvalidArgument,
        failed_ ? "bad state: an earlier error ended this encode" : "the file is already finished",
        {.path = {}, .operation = "encode"});
  }
  check_rows(width_, format_, rows.width(), rows.format(), rows_written_, rows.height(), height_,
             "encode");
  poisoning_on_error(failed_, [&] { reporting_output_errors([&] { encode_rows(rows); }); });
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
  poisoning_on_error(failed_, [&] { reporting_output_errors([&] { finish_encoding(); }); });
  finished_ = true;
}

}  // namespace tessera
