// The Decoder and Encoder base classes: the row bookkeeping and the "bad state" rule that every
// format shares, so that each format only decodes and encodes.

#include <fmt/format.h>

#include <cstdio>
#include <cstring>
#include <new>
#include <optional>

#include "tessera/codec.h"
#include "tessera/error.h"

namespace tessera {
namespace {

void check_rows(int width, PixelFormat format, int view_width, PixelFormat view_format,
                int next_row, int rows, int height, const ErrorContext& context) {
  if (view_width != width || view_format != format) {
    throw Error(ErrorCode::InvalidArgument,
                fmt::format("rows of {} {} pixels were given where {} {} are expected", view_width,
                            view_format.name(), width, format.name()),
                context);
  }
  if (rows < 0 || rows > height - next_row) {
    throw Error(ErrorCode::InvalidArgument,
                fmt::format("{} rows asked for at row {} of {}", rows, next_row, height), context);
  }
}

// The one bad-state rule of both coders, as libspng's contexts have it (SPNG_EBADSTATE): once
// a call failed, every later call fails with the first failure's code, naming the file and
// repeating why, so that a caller sees one consistent error however often it calls again.
void check_usable(const std::optional<Error>& failure, const ErrorContext& context) {
  if (!failure) return;
  throw Error(failure->code(),
              fmt::format("bad state: an earlier error ended this {} ({}); open the file again",
                          context.operation, failure->message()),
              context);
}

// Runs `work`; a failure is recorded as it propagates.
template <typename Work>
void recording_failure(std::optional<Error>& failure, const ErrorContext& context, Work&& work) {
  try {
    work();
  } catch (const Error& error) {
    if (!failure) failure = error;
    throw;
  } catch (const std::bad_alloc&) {
    if (!failure) failure = Error(ErrorCode::OutOfMemory, "out of memory", context);
    throw;
  } catch (const std::exception& error) {
    if (!failure) failure = Error(ErrorCode::Internal, error.what(), context);
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

Rect Decoder::narrow_to(Rect region) {
  const bool inside = region.x >= 0 && region.y >= 0 && region.width > 0 && region.height > 0 &&
                      region.x <= info_.width - region.width &&
                      region.y <= info_.height - region.height;
  if (!inside || started_ || width_ != info_.width || height_ != info_.height) {
    throw Error(ErrorCode::InvalidArgument,
                fmt::format("cannot narrow a decoder to {}x{} at ({}, {}): {}", region.width,
                            region.height, region.x, region.y,
                            inside ? "only a decoder of the full size, before its first row, can"
                                   : fmt::format("the image is {}x{}", info_.width, info_.height)),
                context());
  }
  return narrow_decoding(region);
}

Rect Decoder::narrow_decoding(Rect) { return {0, 0, width_, height_}; }

ErrorContext Decoder::context() const { return {.path = path_.string(), .operation = "decode"}; }

void Decoder::begin() {
  check_usable(failure_, context());
  if (started_) return;
  recording_failure(failure_, context(), [&] { begin_decoding(); });
  started_ = true;
}

void Decoder::read(const MutableImageView& rows) {
  begin();
  check_rows(width_, format_, rows.width(), rows.format(), rows_read_, rows.height(), height_,
             context());
  if (data_ended_) {
    fill_grey(rows, 0);
  } else {
    recording_failure(failure_, context(), [&] { decode_rows(rows); });
  }
  rows_read_ += rows.height();
}

void Decoder::data_ended(int rows_done, std::string_view detail, bool later_rows_grey) {
  if (height_ == 0) {  // before the headers said what the image is: there is no partial image
    throw Error(
        ErrorCode::CorruptData,
        fmt::format("truncated in its headers ({}); the file is damaged or incomplete", detail),
        {.path = path_.string(), .operation = "decode"});
  }
  const std::string what = fmt::format("truncated: {} of {} rows ({})", rows_done, height_, detail);
  if (fail_on_ != FailOn::None) {
    throw Error(ErrorCode::CorruptData,
                fmt::format("{}; the file is damaged or incomplete (--fail-on none, "
                            "fail_on=\"none\" in Python, accepts the "
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
  if (print_warnings_) fmt::print(stderr, "tessera: warning: {}: {}\n", path_.string(), message);
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

Encoder::Encoder(std::filesystem::path path, int width, int height, PixelFormat format)
    : path_(std::move(path)), width_(width), height_(height), format_(format) {}

Encoder::~Encoder() = default;

ErrorContext Encoder::context() const { return {.path = path_.string(), .operation = "encode"}; }

template <typename Work>
void Encoder::reporting_output_errors(Work&& work) {
  try {
    work();
  } catch (const Error&) {
    check_output();  // a full disk, which the library may have called something else
    throw;
  }
}

void Encoder::begin(int width, int height, PixelFormat format) {
  check_usable(failure_, context());
  if (width != width_ || height != height_ || format != format_) {
    throw Error(ErrorCode::InvalidArgument,
                fmt::format("rows of a {}x{} {} image announced to an encoder opened for {}x{} {}",
                            width, height, format.name(), width_, height_, format_.name()),
                context());
  }
}

void Encoder::write(const ImageView& rows) {
  check_usable(failure_, context());
  if (finished_) throw Error(ErrorCode::InvalidArgument, "the file is already finished", context());
  check_rows(width_, format_, rows.width(), rows.format(), rows_written_, rows.height(), height_,
             context());
  check_interrupt();
  recording_failure(failure_, context(),
                    [&] { reporting_output_errors([&] { encode_rows(rows); }); });
  rows_written_ += rows.height();
}

void Encoder::finish() {
  check_usable(failure_, context());
  if (finished_ || rows_written_ != height_) {
    throw Error(ErrorCode::InvalidArgument,
                finished_ ? "the file is already finished"
                          : fmt::format("finish() after {} of {} rows", rows_written_, height_),
                context());
  }
  recording_failure(failure_, context(),
                    [&] { reporting_output_errors([&] { finish_encoding(); }); });
  finished_ = true;
}

}  // namespace tessera
