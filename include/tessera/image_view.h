#pragma once
// Non-owning views of pixels, for kernels.
//
// ImageView (read-only) and MutableImageView are a pointer, a size, a stride and a format: they
// never touch reference counts and never keep memory alive, so a kernel that takes one costs
// nothing to call. The owner (an Image, or a caller's buffer) must outlive the view. Owning and
// non-owning types are deliberately different, so aliasing is visible at the call site.
//
// Rows of a whole Image start on 64-byte boundaries and are padded to a multiple of 64 bytes;
// a view of a region starts wherever the region starts. Kernels may *read* up to the end of the
// padded row but must *write* only width() pixels: past that may be a neighbour's pixels.
//
//   void invert(tessera::ImageView src, tessera::MutableImageView dst) {
//     for (int y = 0; y < src.height(); ++y) {
//       const auto* in = src.row<std::uint8_t>(y);
//       auto* out = dst.row<std::uint8_t>(y);
//       for (std::size_t i = 0; i < src.row_bytes(); ++i) out[i] = 255 - in[i];
//     }
//   }

#include <cstddef>
#include <type_traits>

#include "tessera/pixel_format.h"

namespace tessera {

// A rectangle in pixels: origin at the top-left, x to the right, y down.
struct Rect {
  int x = 0;
  int y = 0;
  int width = 0;
  int height = 0;

  friend constexpr bool operator==(const Rect&, const Rect&) = default;
};

// True when `inner` is non-empty and lies entirely within a width x height image.
constexpr bool rect_fits(const Rect& inner, int width, int height) {
  return inner.width > 0 && inner.height > 0 && inner.x >= 0 && inner.y >= 0 &&
         inner.x <= width - inner.width && inner.y <= height - inner.height;
}

namespace detail {
// Shared by both view types; Byte is std::byte or const std::byte.
template <typename Byte>
class BasicImageView {
 public:
  constexpr BasicImageView() = default;
  constexpr BasicImageView(Byte* data, int width, int height, std::ptrdiff_t stride,
                           PixelFormat format)
      : data_(data), width_(width), height_(height), stride_(stride), format_(format) {}

  constexpr Byte* data() const { return data_; }
  constexpr int width() const { return width_; }
  constexpr int height() const { return height_; }
  // Bytes from the start of one row to the start of the next.
  constexpr std::ptrdiff_t stride() const { return stride_; }
  constexpr PixelFormat format() const { return format_; }
  constexpr bool empty() const { return data_ == nullptr; }
  // Bytes of pixels in one row (without padding).
  constexpr std::size_t row_bytes() const {
    return static_cast<std::size_t>(width_) * format_.bytes_per_pixel();
  }
  // True when rows follow each other with no padding, so the pixels are one block.
  constexpr bool contiguous() const { return stride_ == static_cast<std::ptrdiff_t>(row_bytes()); }

  constexpr Byte* row(int y) const { return data_ + y * stride_; }
  // Row y as samples of type T (std::uint8_t, std::uint16_t or float, matching format()).
  template <typename T>
  T* row(int y) const requires(!std::is_const_v<Byte>) {
    return reinterpret_cast<T*>(row(y));
  }
  template <typename T>
  const T* row(int y) const requires(std::is_const_v<Byte>) {
    return reinterpret_cast<const T*>(row(y));
  }

 private:
  Byte* data_ = nullptr;
  int width_ = 0;
  int height_ = 0;
  std::ptrdiff_t stride_ = 0;
  PixelFormat format_{};
};
}  // namespace detail

class ImageView : public detail::BasicImageView<const std::byte> {
 public:
  using BasicImageView::BasicImageView;

  // A view of `rect` within this view; throws Error(InvalidArgument) if it does not fit.
  ImageView subview(const Rect& rect) const;
};

class MutableImageView : public detail::BasicImageView<std::byte> {
 public:
  using BasicImageView::BasicImageView;

  // Every writable view is also readable.
  operator ImageView() const { return {data(), width(), height(), stride(), format()}; }

  // A view of `rect` within this view; throws Error(InvalidArgument) if it does not fit.
  MutableImageView subview(const Rect& rect) const;
};

}  // namespace tessera
