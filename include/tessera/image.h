#pragma once
// Image: a cheap-to-copy, reference-counted handle to pixels.
//
// Ownership. An Image shares its storage with every copy and every region cut from it; the
// storage is freed when the last of them goes, so a region never dangles, whatever order
// handles are released in. The price is stated up front: a small region keeps its parent's
// *whole* buffer alive. The profiler reports such pins in bytes (memory::pinned_buffers()),
// and compact() or clone() gives the region storage of its own so the parent can go.
//
// Copies alias. `Image b = a;` and `a.region(r)` write to the same pixels as `a`; `clone()`
// is the only way to get independent pixels. Kernels take ImageView/MutableImageView, which
// own nothing, so an owning handle and a borrowed view never look alike at a call site.
//
// Layout. Rows of a created image start on 64-byte boundaries and are padded to a multiple of
// 64 bytes, so SIMD kernels may load whole vectors without a remainder loop. Pixels are not
// initialised.
//
// Thread safety: like std::shared_ptr. Different handles to one storage may be copied and
// destroyed concurrently; one handle object must not be assigned while another thread reads it.
// Pixel access is not synchronised.
//
// Cost: create() is one aligned allocation; copying is one atomic increment; region() is one
// small allocation for the record that lets the profiler see the region.
//
//   auto photo = tessera::Image::create(4000, 3000, tessera::PixelFormat::rgb8());
//   auto face = photo.region({1200, 800, 64, 64});  // shares photo's 36 MB
//   photo = {};                                      // face is still valid: it holds the 36 MB
//   face = face.compact();                           // now 12 KiB of its own; the 36 MB is freed

#include <cstddef>
#include <functional>
#include <source_location>

#include "tessera/image_view.h"
#include "tessera/memory.h"
#include "tessera/pixel_format.h"

namespace tessera {

namespace memory {
struct BufferInfo;
BufferInfo describe_storage(const Image& image);
}  // namespace memory

namespace detail {
class Owner;
}

class Image {
 public:
  // An empty image: no pixels, width and height 0.
  Image() = default;
  Image(const Image& other) noexcept;
  Image(Image&& other) noexcept;
  Image& operator=(Image other) noexcept;
  ~Image();

  // A new image with uninitialised pixels, charged to options.budget (or the current scope's).
  // Throws Error: InvalidArgument for a non-positive size, ImageTooLarge when the byte count
  // overflows, OutOfBudget / OutOfMemory as memory::allocate.
  static Image create(int width, int height, PixelFormat format, AllocationOptions options = {},
                      std::source_location site = std::source_location::current());

  // Wraps memory someone else owns (a numpy array, a mapped file). `deleter` runs exactly once,
  // when the last handle or region of the result is gone, and not at all if wrap throws (then
  // the caller still owns the memory). `stride` >= width x pixel size. Wrapped bytes are not
  // charged to any budget: tessera did not allocate them.
  static Image wrap(void* data, int width, int height, std::ptrdiff_t stride, PixelFormat format,
                    std::function<void()> deleter, std::string_view label = "wrapped",
                    std::source_location site = std::source_location::current());

  bool empty() const { return owner_ == nullptr; }
  int width() const { return width_; }
  int height() const { return height_; }
  PixelFormat format() const { return format_; }
  std::ptrdiff_t stride() const { return stride_; }
  std::byte* data() const { return data_; }
  std::byte* row(int y) const { return data_ + y * stride_; }

  ImageView view() const { return {data_, width_, height_, stride_, format_}; }
  MutableImageView mutable_view() const { return {data_, width_, height_, stride_, format_}; }

  // A handle to `rect` of this image that shares its storage (regions of regions too). Throws
  // Error(InvalidArgument) naming the rectangle and the image size if it does not fit.
  Image region(const Rect& rect, std::source_location site = std::source_location::current()) const;

  // A deep copy into fresh, compact storage.
  Image clone(AllocationOptions options = {},
              std::source_location site = std::source_location::current()) const;

  // This image, if it already uses all of its storage; otherwise a clone(), so that a region
  // stops pinning its parent. Typical use: `thumbnail = thumbnail.compact();`
  Image compact(AllocationOptions options = {},
                std::source_location site = std::source_location::current()) const;

  // Bytes of the storage this handle keeps alive (for a region: its parent's whole buffer).
  std::size_t storage_bytes() const;
  // Bytes this image's own pixels span: height x stride, less the last row's padding.
  std::size_t view_bytes() const;
  bool shares_storage_with(const Image& other) const;

 private:
  friend memory::BufferInfo memory::describe_storage(const Image& image);
  Image(detail::Owner* adopted, std::byte* data, int width, int height, std::ptrdiff_t stride,
        PixelFormat format) noexcept;

  detail::Owner* owner_ = nullptr;  // the Storage itself, or a region record that holds it
  std::byte* data_ = nullptr;
  int width_ = 0;
  int height_ = 0;
  std::ptrdiff_t stride_ = 0;
  PixelFormat format_{};
};

// The stride Image::create uses for `width` pixels of `format`: row bytes rounded up to 64.
// Throws Error(ImageTooLarge) on overflow.
std::ptrdiff_t aligned_stride(int width, PixelFormat format);

}  // namespace tessera
