// tessera.Image: a tessera::Image handle in Python. numpy arrays and Images share pixels both
// ways without a copy, and each keeps the other's memory alive:
// - np.asarray(img) is a view whose owner holds a handle to the image's storage;
// - tessera.Image(array) wraps the array's memory, and its deleter (run once, when the last
//   handle or region is gone, on whichever thread) drops the reference to the array.
// Also read() and write(), which release the GIL while they decode or encode.

#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/filesystem.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/tuple.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>

#include "bindings.h"
#include "image_handle.h"
#include "tessera/codec.h"
#include "tessera/error.h"
#include "tessera/formats.h"
#include "tessera/image.h"

namespace nb = nanobind;

namespace tessera::python {
namespace {

nb::dlpack::dtype dtype_of(SampleType sample) {
  switch (sample) {
    case SampleType::U8:
      return nb::dtype<std::uint8_t>();
    case SampleType::U16:
      return nb::dtype<std::uint16_t>();
    case SampleType::F32:
      return nb::dtype<float>();
  }
  return nb::dtype<std::uint8_t>();
}

const char* dtype_name(SampleType sample) {
  switch (sample) {
    case SampleType::U8:
      return "uint8";
    case SampleType::U16:
      return "uint16";
    case SampleType::F32:
      return "float32";
  }
  return "uint8";
}

[[noreturn]] void refuse(const std::string& why) {
  throw Error(ErrorCode::InvalidArgument, why, {.operation = "Image(array)"});
}

SampleType sample_of(const nb::dlpack::dtype& dtype) {
  if (dtype == nb::dtype<std::uint8_t>()) return SampleType::U8;
  if (dtype == nb::dtype<std::uint16_t>()) return SampleType::U16;
  if (dtype == nb::dtype<float>()) return SampleType::F32;
  refuse("the array's dtype is not one tessera holds: give uint8, uint16 or float32");
}

ChannelLayout layout_of(std::size_t channels) {
  switch (channels) {
    case 1:
      return ChannelLayout::Gray;
    case 2:
      return ChannelLayout::GrayAlpha;
    case 3:
      return ChannelLayout::Rgb;
    case 4:
      return ChannelLayout::Rgba;
    default:
      refuse("an HxWxC array needs 1 to 4 channels (gray, gray+alpha, RGB, RGBA)");
  }
}

using AnyArray = nb::ndarray<nb::ro, nb::device::cpu>;

// Wraps `array` (the Python object) whose pixels `view` describes; copies them into fresh
// storage instead when `copy`, and otherwise refuses a layout tessera cannot wrap.
PyImage wrap_array(nb::handle array, const AnyArray& view, bool copy) {
  if (view.ndim() != 2 && view.ndim() != 3) refuse("give an HxW or HxWxC array");
  const std::size_t height = view.shape(0);
  const std::size_t width = view.shape(1);
  const std::size_t channels = view.ndim() == 3 ? view.shape(2) : 1;
  const PixelFormat format{layout_of(channels), sample_of(view.dtype())};
  if (width == 0 || height == 0 || width > INT32_MAX || height > INT32_MAX) {
    refuse("the array is empty or too large for an image");
  }
  const std::int64_t item = static_cast<std::int64_t>(format.bytes_per_sample());
  const std::int64_t channel_stride = view.ndim() == 3 ? view.stride(2) : 1;
  const std::int64_t pixel_stride = view.stride(1);
  const std::int64_t row_stride = view.stride(0);
  // Rows may be strided (a crop of a larger array); inside a row, pixels and channels must
  // lie side by side, as tessera's kernels read them.
  const bool wrappable = channel_stride == 1 &&
                         pixel_stride == static_cast<std::int64_t>(channels) &&
                         row_stride >= static_cast<std::int64_t>(width * channels);
  const bool readonly = !nb::cast<bool>(array.attr("flags").attr("writeable"));
  if (!wrappable && !copy) {
    refuse(
        "the array's pixels are not side by side in each row (a transposed or stepped view): "
        "pass copy=True to copy them, or np.ascontiguousarray(array)");
  }
  if (copy || !wrappable) {  // copy=True always copies, as numpy's does
    Image image = Image::create(static_cast<int>(width), static_cast<int>(height), format,
                                {.label = "Image(array, copy=True)"});
    const auto* base = static_cast<const std::byte*>(view.data());
    for (std::size_t y = 0; y < height; ++y) {
      std::byte* out = image.row(static_cast<int>(y));
      for (std::size_t x = 0; x < width; ++x) {
        for (std::size_t c = 0; c < channels; ++c) {
          const std::int64_t at = static_cast<std::int64_t>(y) * row_stride +
                                  static_cast<std::int64_t>(x) * pixel_stride +
                                  static_cast<std::int64_t>(c) * channel_stride;
          std::memcpy(out + (x * channels + c) * item, base + at * item, item);
        }
      }
    }
    return {std::move(image), false};
  }
  // The array stays alive until tessera's last handle goes; that may be on a tessera thread,
  // so the deleter takes the GIL, and does nothing once the interpreter is gone.
  PyObject* owner = array.ptr();
  Py_INCREF(owner);
  Image image;
  try {
    image = Image::wrap(
        const_cast<void*>(view.data()), static_cast<int>(width), static_cast<int>(height),
        row_stride * item, format,
        [owner] {
          if (Py_IsInitialized() == 0) return;
          const nb::gil_scoped_acquire gil;
          Py_DECREF(owner);
        },
        "numpy array");
  } catch (...) {
    Py_DECREF(owner);  // wrap did not take the array: its deleter will never run
    throw;
  }
  return {std::move(image), readonly};
}

// A numpy view of the image's pixels, HxWxC (HxW for gray), that holds a handle to them.
nb::object numpy_view(const PyImage& self) {
  const Image& image = self.image;
  if (image.empty()) throw Error(ErrorCode::InvalidArgument, "the image is empty");
  const PixelFormat format = image.format();
  const std::size_t channels = static_cast<std::size_t>(format.channels());
  const std::int64_t item = static_cast<std::int64_t>(format.bytes_per_sample());
  const std::size_t shape[3] = {static_cast<std::size_t>(image.height()),
                                static_cast<std::size_t>(image.width()), channels};
  const std::int64_t strides[3] = {image.stride() / item, static_cast<std::int64_t>(channels), 1};
  const std::size_t ndim = channels == 1 ? 2 : 3;
  nb::capsule owner(new Image(image),
                    [](void* handle) noexcept { delete static_cast<Image*>(handle); });
  if (self.readonly) {
    return nb::cast(nb::ndarray<nb::numpy, nb::ro>(image.data(), ndim, shape, owner, strides,
                                                   dtype_of(format.sample)));
  }
  return nb::cast(
      nb::ndarray<nb::numpy>(image.data(), ndim, shape, owner, strides, dtype_of(format.sample)));
}

}  // namespace

// Keyword arguments of write() and convert(): each an encode option of the format table, by name.
EncodeOptions encode_options_of(const nb::kwargs& options) {
  EncodeOptions encode;
  for (const auto [key, value] : options) {
    const std::string name = nb::cast<std::string>(key);
    std::string text;
    if (nb::isinstance<nb::bool_>(value)) {
      text = nb::cast<bool>(value) ? "true" : "false";
    } else {
      text = nb::cast<std::string>(nb::str(value));
    }
    set_encode_option(encode, name, text);
  }
  return encode;
}

void bind_image(nb::module_& module) {
  nb::class_<PyImage>(module, "Image",
                      "Pixels in RGB(A) order, shared by every copy and region, freed with the "
                      "last; np.asarray(image) is a view of them.")
      .def(
          "__init__",
          [](PyImage* self, nb::handle array, bool copy) {
            AnyArray view;
            if (!nb::try_cast(array, view)) {
              refuse(
                  "give a numpy array of uint8, uint16 or float32 in native byte order (or a "
                  "tessera.Image's np.asarray); np.ascontiguousarray(a, dtype=...) converts one");
            }
            new (self) PyImage(wrap_array(array, view, copy));
          },
          nb::arg("array"), nb::kw_only(), nb::arg("copy") = false,
          "Wraps an HxW or HxWxC uint8/uint16/float32 array without copying (its rows may be "
          "strided) and keeps it alive; copy=True copies it (any layout) into storage of its "
          "own, charged to the current budget.")
      .def_prop_ro("width", [](const PyImage& self) { return self.image.width(); })
      .def_prop_ro("height", [](const PyImage& self) { return self.image.height(); })
      .def_prop_ro("shape",
                   [](const PyImage& self) -> nb::tuple {
                     const int channels = self.image.format().channels();
                     if (channels == 1)
                       return nb::make_tuple(self.image.height(), self.image.width());
                     return nb::make_tuple(self.image.height(), self.image.width(), channels);
                   })
      .def_prop_ro("dtype",
                   [](const PyImage& self) { return dtype_name(self.image.format().sample); })
      .def_prop_ro("format", [](const PyImage& self) { return self.image.format().name(); })
      .def_prop_ro("storage_bytes", [](const PyImage& self) { return self.image.storage_bytes(); })
      .def_prop_ro("readonly", [](const PyImage& self) { return self.readonly; })
      .def(
          "__array__",
          [](const PyImage& self, nb::handle dtype, nb::handle copy) {
            (void)dtype;  // numpy converts the view's dtype itself when one is asked
            nb::object view = numpy_view(self);
            if (!copy.is_none() && nb::cast<bool>(copy)) return view.attr("copy")();
            return view;
          },
          nb::arg("dtype") = nb::none(), nb::arg("copy") = nb::none())
      .def(
          "region",
          [](const PyImage& self, int x, int y, int width, int height) {
            return PyImage{self.image.region({x, y, width, height}), self.readonly};
          },
          nb::arg("x"), nb::arg("y"), nb::arg("width"), nb::arg("height"),
          "A region sharing this image's storage (it keeps all of it alive: see compact()).")
      .def(
          "compact",
          [](const PyImage& self) {
            return PyImage{self.image.compact(), false};
          },
          "This image, or a copy of just its pixels if it is a region pinning a larger one.")
      .def("__repr__", [](const PyImage& self) {
        return "<tessera.Image " + std::to_string(self.image.width()) + "x" +
               std::to_string(self.image.height()) + " " + self.image.format().name() + ">";
      });

  module.def(
      "read",
      [](const std::filesystem::path& path, bool orientation) {
        Image image;
        {
          const nb::gil_scoped_release unlocked;
          image = tessera::read(path, {.apply_orientation = orientation});
        }
        return PyImage{std::move(image), false};
      },
      nb::arg("path"), nb::kw_only(), nb::arg("orientation") = true,
      "Decodes a file (the format from its first bytes), upright unless orientation=False.");
  module.def(
      "write",
      [](const PyImage& image, const std::filesystem::path& path, const nb::kwargs& options) {
        const EncodeOptions encode = encode_options_of(options);
        const nb::gil_scoped_release unlocked;
        tessera::write(image.image, path, encode);
      },
      nb::arg("image"), nb::arg("path"), nb::arg("options"),
      "Encodes to `path` in the format its extension names; keyword arguments are the format "
      "table's encode options (quality=80, lossless=True, tiff_compression='lzw', ...).");
}

}  // namespace tessera::python
