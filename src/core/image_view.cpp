#include "tessera/image_view.h"

#include <fmt/format.h>

#include "tessera/error.h"

namespace tessera {
namespace {

template <typename View>
View subview_of(const View& view, const Rect& rect) {
  if (!rect_fits(rect, view.width(), view.height())) {
    throw Error(ErrorCode::InvalidArgument,
                fmt::format("subview {}x{} at ({}, {}) does not fit in a {}x{} view", rect.width,
                            rect.height, rect.x, rect.y, view.width(), view.height()),
                {.path = {}, .operation = "subview"});
  }
  const auto x_offset = static_cast<std::ptrdiff_t>(rect.x * view.format().bytes_per_pixel());
  return View(view.row(rect.y) + x_offset, rect.width, rect.height, view.stride(), view.format());
}

}  // namespace

ImageView ImageView::subview(const Rect& rect) const { return subview_of(*this, rect); }

MutableImageView MutableImageView::subview(const Rect& rect) const {
  return subview_of(*this, rect);
}

}  // namespace tessera
