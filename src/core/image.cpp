#include "tessera/image.h"

#include <fmt/format.h>

#include <climits>
#include <cstring>
#include <utility>

#include "core/storage.h"
#include "tessera/error.h"

namespace tessera {
namespace {

ErrorContext operation(const char* name) { return {.path = {}, .operation = name}; }

void require_positive_size(int width, int height, const char* what) {
  if (width <= 0 || height <= 0) {
    throw Error(ErrorCode::InvalidArgument,
                fmt::format("image size {}x{} is not positive; width and height must be >= 1",
                            width, height),
                operation(what));
  }
}

}  // namespace

std::ptrdiff_t aligned_stride(int width, PixelFormat format) {
  const auto row_bytes = static_cast<std::size_t>(width) * format.bytes_per_pixel();
  const std::size_t stride = (row_bytes + kAlignment - 1) / kAlignment * kAlignment;
  if (width < 0 || stride > static_cast<std::size_t>(PTRDIFF_MAX)) {
    throw Error(ErrorCode::ImageTooLarge,
                fmt::format("a row of {} {} pixels is too large", width, format.name()),
                operation("create"));
  }
  return static_cast<std::ptrdiff_t>(stride);
}

Image::Image(detail::Owner* adopted, std::byte* data, int width, int height, std::ptrdiff_t stride,
             PixelFormat format) noexcept
    : owner_(adopted),
      data_(data),
      width_(width),
      height_(height),
      stride_(stride),
      format_(format) {}

Image::Image(const Image& other) noexcept
    : owner_(other.owner_),
      data_(other.data_),
      width_(other.width_),
      height_(other.height_),
      stride_(other.stride_),
      format_(other.format_) {
  if (owner_ != nullptr) owner_->retain();
}

Image::Image(Image&& other) noexcept
    : owner_(std::exchange(other.owner_, nullptr)),
      data_(std::exchange(other.data_, nullptr)),
      width_(std::exchange(other.width_, 0)),
      height_(std::exchange(other.height_, 0)),
      stride_(std::exchange(other.stride_, 0)),
      format_(other.format_) {}

Image& Image::operator=(Image other) noexcept {
  std::swap(owner_, other.owner_);
  std::swap(data_, other.data_);
  std::swap(width_, other.width_);
  std::swap(height_, other.height_);
  std::swap(stride_, other.stride_);
  std::swap(format_, other.format_);
  return *this;
}

Image::~Image() {
  if (owner_ != nullptr) owner_->release();
}

Image Image::create(int width, int height, PixelFormat format, AllocationOptions options,
                    std::source_location site) {
  require_positive_size(width, height, "create");
  const std::ptrdiff_t stride = aligned_stride(width, format);
  std::size_t bytes = 0;
  if (__builtin_mul_overflow(static_cast<std::size_t>(stride), static_cast<std::size_t>(height),
                             &bytes)) {
    throw Error(ErrorCode::ImageTooLarge,
                fmt::format("a {}x{} {} image needs more bytes than this machine can address",
                            width, height, format.name()),
                operation("create"));
  }
  memory::Buffer buffer = memory::allocate(bytes, options, site);
  std::byte* data = buffer.data();
  return Image(std::exchange(buffer.storage_, nullptr), data, width, height, stride, format);
}

Image Image::wrap(void* data, int width, int height, std::ptrdiff_t stride, PixelFormat format,
                  std::function<void()> deleter, std::string_view label,
                  std::source_location site) {
  require_positive_size(width, height, "wrap");
  if (data == nullptr) {
    throw Error(ErrorCode::InvalidArgument, "cannot wrap a null pointer", operation("wrap"));
  }
  const auto row_bytes = static_cast<std::size_t>(width) * format.bytes_per_pixel();
  std::size_t bytes = 0;
  if (stride < 0 || static_cast<std::size_t>(stride) < row_bytes ||
      __builtin_mul_overflow(static_cast<std::size_t>(stride), static_cast<std::size_t>(height),
                             &bytes)) {
    throw Error(ErrorCode::InvalidArgument,
                fmt::format("stride {} is too small for {} {} pixels per row ({} bytes)", stride,
                            width, format.name(), row_bytes),
                operation("wrap"));
  }
  auto* storage =
      detail::Storage::wrap(static_cast<std::byte*>(data), bytes, std::move(deleter), label, site);
  return Image(storage, storage->data(), width, height, stride, format);
}

Image Image::region(const Rect& rect, std::source_location site) const {
  if (!rect_fits(rect, width_, height_)) {
    throw Error(ErrorCode::InvalidArgument,
                fmt::format("region {}x{} at ({}, {}) does not fit in a {}x{} image", rect.width,
                            rect.height, rect.x, rect.y, width_, height_),
                operation("region"));
  }
  std::byte* data =
      data_ + rect.y * stride_ + static_cast<std::ptrdiff_t>(rect.x * format_.bytes_per_pixel());
  auto* record = detail::RegionRecord::create(owner_->storage(), data, rect.width, rect.height,
                                              stride_, format_, site);
  return Image(record, data, rect.width, rect.height, stride_, format_);
}

Image Image::clone(AllocationOptions options, std::source_location site) const {
  if (empty()) return {};
  Image copy = create(width_, height_, format_, options, site);
  const std::size_t row_bytes = view().row_bytes();
  for (int y = 0; y < height_; ++y) std::memcpy(copy.row(y), row(y), row_bytes);
  return copy;
}

Image Image::compact(AllocationOptions options, std::source_location site) const {
  if (empty()) return {};
  const detail::Storage& storage = owner_->storage();
  const bool uses_whole_storage =
      data_ == storage.data() &&
      static_cast<std::size_t>(height_) * static_cast<std::size_t>(stride_) == storage.bytes() &&
      static_cast<std::size_t>(stride_) - view().row_bytes() < kAlignment;
  return uses_whole_storage ? *this : clone(options, site);
}

std::size_t Image::storage_bytes() const {
  return owner_ != nullptr ? owner_->storage().bytes() : 0;
}

std::size_t Image::view_bytes() const {
  return view().row_bytes() * static_cast<std::size_t>(height_);
}

bool Image::shares_storage_with(const Image& other) const {
  return owner_ != nullptr && other.owner_ != nullptr &&
         &owner_->storage() == &other.owner_->storage();
}

}  // namespace tessera
