// tessera.Image: a tessera::Image handle in Python. numpy arrays and Images share pixels both
// ways without a copy, and each keeps the other's memory alive:
// - np.asarray(img) is a view whose owner holds a handle to the image's storage;
// - tessera.Image(array) wraps the array's memory, and its deleter (run once, when the last
//   handle or region is gone, on whichever thread) drops the reference to the array.
// Also read() and write(), which release the GIL while they decode or encode.

#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/filesystem.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/tuple.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "bindings.h"
#include "image_handle.h"
#include "python_call.h"
#include "tessera/codec.h"
#include "tessera/error.h"
#include "tessera/formats.h"
#include "tessera/image.h"
#include "tessera/profiler.h"

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

// "float64", or what the object is when it has no dtype.
std::string dtype_text(nb::handle array) {
  const nb::object named =
      nb::hasattr(array, "dtype")
          ? nb::object(array.attr("dtype"))
          : nb::object(
                nb::handle(reinterpret_cast<PyObject*>(Py_TYPE(array.ptr()))).attr("__name__"));
  return nb::steal<nb::str>(PyObject_Str(named.ptr())).c_str();
}

[[noreturn]] void refuse_dtype(nb::handle array) {
  refuse("the array's dtype is " + dtype_text(array) +
         ", not one tessera holds: give uint8, uint16 or float32 in native byte order; "
         "a.astype(np.float32) or np.ascontiguousarray(a, dtype=...) converts one");
}

SampleType sample_of(const nb::dlpack::dtype& dtype, nb::handle array) {
  if (dtype == nb::dtype<std::uint8_t>()) return SampleType::U8;
  if (dtype == nb::dtype<std::uint16_t>()) return SampleType::U16;
  if (dtype == nb::dtype<float>()) return SampleType::F32;
  refuse_dtype(array);
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

// Where an array's pixels lie, in items (not bytes), and what tessera makes of them.
struct ArrayLayout {
  std::size_t width = 0;
  std::size_t height = 0;
  std::size_t channels = 0;
  PixelFormat format;
  std::int64_t row_stride = 0;  // in items
  std::int64_t pixel_stride = 0;
  std::int64_t channel_stride = 0;
  bool readonly = false;

  // Rows may be strided (a crop of a larger array); inside a row, pixels and channels must
  // lie side by side, as tessera's kernels read them.
  bool wrappable() const {
    return channel_stride == 1 && pixel_stride == static_cast<std::int64_t>(channels) &&
           row_stride >= static_cast<std::int64_t>(width * channels);
  }
};

ArrayLayout layout_of(nb::handle array, const AnyArray& view) {
  if (view.ndim() != 2 && view.ndim() != 3) refuse("give an HxW or HxWxC array");
  ArrayLayout layout;
  layout.height = view.shape(0);
  layout.width = view.shape(1);
  layout.channels = view.ndim() == 3 ? view.shape(2) : 1;
  layout.format = PixelFormat{layout_of(layout.channels), sample_of(view.dtype(), array)};
  if (layout.width == 0 || layout.height == 0 || layout.width > INT32_MAX ||
      layout.height > INT32_MAX) {
    refuse("the array is empty or too large for an image");
  }
  layout.channel_stride = view.ndim() == 3 ? view.stride(2) : 1;
  layout.pixel_stride = view.stride(1);
  layout.row_stride = view.stride(0);
  layout.readonly = !nb::cast<bool>(array.attr("flags").attr("writeable"));
  return layout;
}

// A copy of the array's pixels (any layout) into storage of tessera's own; `swap_red_blue`
// reads BGR(A) into RGB(A).
PyImage copy_array(const AnyArray& view, const ArrayLayout& layout, bool swap_red_blue,
                   const char* label) {
  const PixelCall call;  // the array is the caller's argument: it stays alive meanwhile
  Image image = Image::create(static_cast<int>(layout.width), static_cast<int>(layout.height),
                              layout.format, {.label = label});
  const std::size_t item = layout.format.bytes_per_sample();
  const std::size_t channels = layout.channels;
  const bool swap = swap_red_blue && channels >= 3;
  const auto* base = static_cast<const std::byte*>(view.data());
  for (std::size_t y = 0; y < layout.height; ++y) {
    std::byte* out = image.row(static_cast<int>(y));
    for (std::size_t x = 0; x < layout.width; ++x) {
      for (std::size_t c = 0; c < channels; ++c) {
        const std::size_t from = swap && c < 3 ? 2 - c : c;
        const std::int64_t at = static_cast<std::int64_t>(y) * layout.row_stride +
                                static_cast<std::int64_t>(x) * layout.pixel_stride +
                                static_cast<std::int64_t>(from) * layout.channel_stride;
        std::memcpy(out + (x * channels + c) * item, base + at * static_cast<std::int64_t>(item),
                    item);
      }
    }
  }
  return {std::move(image), false};
}

// Wraps `array` (the Python object) whose pixels `view` describes, without a copy, or refuses
// a layout tessera cannot wrap.
PyImage wrap_array(nb::handle array, const AnyArray& view, const ArrayLayout& layout) {
  if (!layout.wrappable()) {
    refuse(
        "the array's pixels are not side by side in each row (a transposed or stepped view): "
        "copy them with np.ascontiguousarray(array), or tessera.Image(array, copy=True)");
  }
  const auto item = static_cast<std::int64_t>(layout.format.bytes_per_sample());
  // The array stays alive until tessera's last handle goes; that may be on a tessera thread,
  // so the deleter takes the GIL there.
  PyObject* owner = array.ptr();
  Py_INCREF(owner);
  Image image;
  try {
    image = Image::wrap(
        const_cast<void*>(view.data()), static_cast<int>(layout.width),
        static_cast<int>(layout.height), layout.row_stride * item, layout.format,
        [owner] {
          // A thread running Python (the usual case, and the main thread while the interpreter
          // finalizes, when Py_IsInitialized() is already false) lets go at once; a tessera
          // thread takes the GIL first; once the interpreter is gone, nothing is touched.
          if (_PyThreadState_UncheckedGet() != nullptr) {
            Py_DECREF(owner);
            return;
          }
          if (Py_IsInitialized() == 0) return;
          const nb::gil_scoped_acquire gil;
          Py_DECREF(owner);
        },
        "numpy array");
  } catch (...) {
    Py_DECREF(owner);  // wrap did not take the array: its deleter will never run
    throw;
  }
  return {std::move(image), layout.readonly};
}

// "rgb" or "bgr" (cv2's order): whether red and blue trade places.
bool is_bgr(const std::string& order) {
  if (order == "rgb") return false;
  if (order == "bgr") return true;
  throw Error(ErrorCode::InvalidArgument,
              "order is \"rgb\" (tessera's, numpy's and Pillow's) or \"bgr\" (cv2's), not \"" +
                  order + "\"");
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

// memoryview(img): the buffer protocol over the same pixels np.asarray shows. The view holds
// the Image object (view->obj), so the pixels outlive `del img`; shape and strides live in
// view->internal until the view is released.
struct BufferShape {
  Py_ssize_t shape[3];
  Py_ssize_t strides[3];
};

int get_buffer(PyObject* object, Py_buffer* view, int flags) {
  const PyImage& self = *nb::inst_ptr<PyImage>(object);
  const Image& image = self.image;
  if (image.empty()) {
    PyErr_SetString(PyExc_BufferError, "the image is empty");
    return -1;
  }
  if ((flags & PyBUF_WRITABLE) == PyBUF_WRITABLE && self.readonly) {
    PyErr_SetString(PyExc_BufferError, "the image wraps a read-only array");
    return -1;
  }
  const PixelFormat format = image.format();
  const auto channels = static_cast<Py_ssize_t>(format.channels());
  const auto item = static_cast<Py_ssize_t>(format.bytes_per_sample());
  // Rows padded to 64 bytes are not C-contiguous: only a consumer that takes strides (as
  // memoryview and numpy do) can read them.
  const bool contiguous = image.stride() == image.width() * channels * item;
  const bool wants_strides = (flags & PyBUF_STRIDES) == PyBUF_STRIDES;
  const bool wants_contiguous = (flags & PyBUF_C_CONTIGUOUS) == PyBUF_C_CONTIGUOUS ||
                                (flags & PyBUF_ANY_CONTIGUOUS) == PyBUF_ANY_CONTIGUOUS ||
                                (flags & PyBUF_F_CONTIGUOUS) == PyBUF_F_CONTIGUOUS;
  if (!contiguous && (!wants_strides || wants_contiguous)) {
    PyErr_SetString(PyExc_BufferError,
                    "the image's rows are padded, so its pixels are not one contiguous block: "
                    "read it with strides (memoryview and numpy do), or np.ascontiguousarray");
    return -1;
  }
  auto* shape = new BufferShape{{image.height(), image.width(), channels},
                                {image.stride(), channels * item, item}};
  view->buf = image.data();
  view->obj = Py_NewRef(object);
  view->len = static_cast<Py_ssize_t>(image.height()) * image.width() * channels * item;
  view->readonly = self.readonly ? 1 : 0;
  view->itemsize = item;
  static char formats[][2] = {"B", "H", "f"};
  view->format = (flags & PyBUF_FORMAT) == PyBUF_FORMAT
                     ? formats[format.sample == SampleType::U8    ? 0
                               : format.sample == SampleType::U16 ? 1
                                                                  : 2]
                     : nullptr;
  const bool wants_shape = (flags & PyBUF_ND) == PyBUF_ND;
  view->ndim = !wants_shape ? 1 : channels == 1 ? 2 : 3;
  view->shape = wants_shape ? shape->shape : nullptr;
  view->strides = wants_strides ? shape->strides : nullptr;
  view->suboffsets = nullptr;
  view->internal = shape;
  return 0;
}

void release_buffer(PyObject*, Py_buffer* view) {
  delete static_cast<BufferShape*>(view->internal);
}

PyImage clone(const PyImage& self) {
  const PixelCall call;
  return PyImage{self.image.clone({.label = "Image.clone()"}), false};
}

PyType_Slot buffer_slots[] = {{Py_bf_getbuffer, reinterpret_cast<void*>(get_buffer)},
                              {Py_bf_releasebuffer, reinterpret_cast<void*>(release_buffer)},
                              {0, nullptr}};

}  // namespace

// Keyword arguments of write() and convert(): each an encode option of the format table, by name.
EncodeOptions encode_options_of(const nb::kwargs& options, std::string_view function,
                                std::string_view own) {
  EncodeOptions encode;
  const std::vector<EncodeOptionSpec> known = all_encode_options();
  for (const auto [key, value] : options) {
    const std::string name = nb::cast<std::string>(key);
    // Metadata, which every written format reads: strip=True, keep="exif,icc".
    if (name == "strip") {
      if (nb::cast<bool>(value)) encode.keep_metadata = MetadataKinds::none();
      continue;
    }
    if (name == "keep") {
      encode.keep_metadata = MetadataKinds::parse(nb::cast<std::string>(value));
      continue;
    }
    if (std::none_of(known.begin(), known.end(),
                     [&](const EncodeOptionSpec& option) { return option.param.name == name; })) {
      std::string names;
      for (const EncodeOptionSpec& option : known) {
        names += (names.empty() ? "" : ", ") + std::string(option.param.name);
      }
      const std::string message = std::string(function) +
                                  "() got an unexpected keyword argument '" + name +
                                  "'; it takes " + std::string(own) +
                                  (own.empty() ? "" : ", and ") + "the encode options " + names;
      throw nb::type_error(message.c_str());
    }
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

Limits limits_of(nb::handle max_pixels) {
  Limits limits;
  if (max_pixels.is_none()) return limits;
  long long pixels = -1;
  if (!nb::try_cast(max_pixels, pixels) || pixels < 0 || nb::isinstance<nb::bool_>(max_pixels)) {
    throw Error(ErrorCode::InvalidArgument,
                "max_pixels is a number of pixels (0: no limit), or None for the default " +
                    std::to_string(limits.max_pixels));
  }
  limits.max_pixels =
      pixels == 0 ? std::numeric_limits<std::uint64_t>::max() : static_cast<std::uint64_t>(pixels);
  return limits;
}

FailOn fail_on_of(const std::string& fail_on) {
  if (fail_on == "error") return FailOn::Error;
  if (fail_on == "warning") return FailOn::Warning;
  if (fail_on == "none") return FailOn::None;
  throw Error(ErrorCode::InvalidArgument,
              "fail_on is \"error\" (refuse damaged files; the default), \"warning\" (refuse "
              "what a decoder warns of too) or \"none\" (accept what can be decoded), not \"" +
                  fail_on + "\"");
}

void warn_of_unused_options(const std::filesystem::path& output, const nb::kwargs& options,
                            const EncodeOptions& encode) {
  std::error_code not_a_folder;
  // A folder has no extension to read: the write refuses it, saying so.
  if (options.size() == 0 || std::filesystem::is_directory(output, not_a_folder)) return;
  const FileFormat format = format_for_extension(output);
  for (const auto [key, value] : options) {
    const std::string name = nb::cast<std::string>(key);
    if (name == "strip" || name == "keep") continue;
    if (uses_encode_option(format, name, encode)) continue;
    // palette= is refused by the write itself (or taken, by GIF), not ignored.
    const std::vector<EncodeOptionSpec> all = all_encode_options();
    if (std::any_of(all.begin(), all.end(), [&](const EncodeOptionSpec& option) {
          return option.param.name == name && option.refused_elsewhere;
        })) {
      continue;
    }
    const std::string message = name + "= does not apply to writing " +
                                std::string(describe_format(format).title) + " (" +
                                output.filename().string() + "): ignored";
    // The caller's line, as warnings.warn(..., stacklevel=1) from the C function gives it.
    if (PyErr_WarnEx(PyExc_UserWarning, message.c_str(), 1) != 0) throw nb::python_error();
  }
}

void warn_of_damage(const std::filesystem::path& path, const std::vector<std::string>& warnings,
                    int stack_level) {
  if (warnings.empty()) return;
  const nb::object category = nb::module_::import_("tessera.errors").attr("DecodeWarning");
  for (const std::string& warning : warnings) {
    const nb::str message = message_str(path.string() + ": " + warning);
    if (PyErr_WarnEx(category.ptr(), message.c_str(), stack_level) != 0) {
      throw nb::python_error();
    }
  }
}

void bind_image(nb::module_& module) {
  nb::class_<PyImage>(module, "Image", nb::type_slots(buffer_slots),
                      "Pixels in RGB(A) order, shared by every copy and region, freed with the "
                      "last; np.asarray(image) is a view of them.")
      .def(
          "__init__",
          [](PyImage* self, nb::handle given, bool copy, const std::string& order) {
            const PythonCaller caller;  // the profiler names the line that wrapped or copied it
            // A memoryview, bytes-like or other array-like becomes a numpy array on the same
            // memory first (np.asarray copies nothing that has the buffer protocol).
            const nb::object array = nb::hasattr(given, "flags")
                                         ? nb::borrow(given)
                                         : nb::module_::import_("numpy").attr("asarray")(given);
            AnyArray view;
            if (!nb::try_cast(array, view)) refuse_dtype(array);
            const ArrayLayout layout = layout_of(array, view);
            const bool bgr = is_bgr(order) && layout.channels >= 3;
            PyImage image = copy || bgr ? copy_array(view, layout, bgr,
                                                     bgr ? "Image(array, order='bgr')"
                                                         : "Image(array, copy=True)")
                                        : wrap_array(array, view, layout);
            new (self) PyImage(std::move(image));
          },
          nb::arg("array"), nb::kw_only(), nb::arg("copy") = false, nb::arg("order") = "rgb",
          "Wraps an HxW or HxWxC uint8/uint16/float32 array without copying (its rows may be "
          "strided) and keeps it alive; copy=True copies it (any layout) into storage of its "
          "own, charged to the current budget. order='bgr' reads cv2's blue-green-red arrays "
          "(a copy: tessera holds RGB).")
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
      .def_prop_ro(
          "pins",
          [](const PyImage& self) { return region_list(memory::describe_storage(self.image)); },
          "The regions alive on this image's storage, each keeping all storage_bytes alive: x, "
          "y, width, height, bytes, handles, and the line that cut it (while profiling).")
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
          "to_numpy",
          [](const PyImage& self, const std::string& order) {
            if (!is_bgr(order) || self.image.format().channels() < 3) return numpy_view(self);
            // cv2's order: a copy with red and blue traded, in tessera storage (so tracked).
            const nb::object rgb = numpy_view(self);
            const ArrayLayout layout = layout_of(rgb, nb::cast<AnyArray>(rgb));
            return numpy_view(
                copy_array(nb::cast<AnyArray>(rgb), layout, true, "to_numpy(order='bgr')"));
          },
          nb::arg("order") = "rgb",
          "The pixels as a numpy array: a view sharing them (order='rgb'), or a BGR copy for cv2 "
          "(order='bgr').")
      .def(
          "region",
          [](const PyImage& self, int x, int y, int width, int height) {
            const PythonCaller caller;  // the pin report names the line that cut it
            return PyImage{self.image.region({x, y, width, height}), self.readonly};
          },
          nb::arg("x"), nb::arg("y"), nb::arg("width"), nb::arg("height"),
          "A region sharing this image's storage (it keeps all of it alive: see compact()).")
      .def(
          "compact",
          [](const PyImage& self) {
            const PixelCall call;
            return PyImage{self.image.compact(), false};
          },
          "This image, or a copy of just its pixels if it is a region pinning a larger one.")
      .def("clone", &clone,
           "A deep copy: the pixels in fresh storage of its own (charged to the current budget), "
           "writable, shared with nothing. copy.copy() and copy.deepcopy() give the same.")
      .def("__copy__", &clone)
      .def(
          "__deepcopy__", [](const PyImage& self, nb::handle) { return clone(self); },
          nb::arg("memo"))
      .def("__reduce_ex__",
           [](const PyImage&, nb::handle) -> nb::object {
             throw nb::type_error(
                 "cannot pickle a tessera.Image: pickle np.asarray(img) (its pixels, as an "
                 "array) or tessera.encode(img, 'png') (a file's bytes) instead, and make the "
                 "Image again with tessera.Image(array) or tessera.decode(data)");
           })
      .def("__repr__", [](const PyImage& self) {
        return "<tessera.Image " + std::to_string(self.image.width()) + "x" +
               std::to_string(self.image.height()) + " " + self.image.format().name() + ">";
      });

  module.def(
      "read",
      [](const std::filesystem::path& path, bool orientation, nb::handle max_pixels,
         const std::string& fail_on, std::optional<int> page) {
        const DecodeOptions options{.limits = limits_of(max_pixels),
                                    .apply_orientation = orientation,
                                    .fail_on = fail_on_of(fail_on),
                                    .print_warnings = false,
                                    .page = page};
        Image image;
        std::vector<std::string> warnings;
        {
          const PixelCall call;
          const std::unique_ptr<Decoder> decoder = open_decoder(path, options);
          image = tessera::read(*decoder, options);
          warnings = decoder->warnings();
        }
        warn_of_damage(path, warnings);
        return PyImage{std::move(image), false};
      },
      nb::arg("path"), nb::kw_only(), nb::arg("orientation") = true,
      nb::arg("max_pixels").none() = nb::none(), nb::arg("fail_on") = "error",
      nb::arg("page") = nb::none(),
      "Decodes a file (the format from its first bytes), upright unless orientation=False. "
      "max_pixels: the largest image accepted (None: the default limit; 0: none); fail_on: "
      "\"error\" refuses a damaged file, \"none\" accepts what can be decoded; page: which "
      "image of a file holding several, from 0 (a TIFF's page, a HEIF's top-level image, a "
      "GIF's or animated WebP's frame composited as a viewer shows it; None: the first, a "
      "HEIF's primary), InvalidArgument past the last.");
  module.def(
      "read_region",
      [](const std::filesystem::path& path, int x, int y, int width, int height, bool orientation,
         nb::handle max_pixels, const std::string& fail_on, std::optional<int> page) {
        const DecodeOptions options{.limits = limits_of(max_pixels),
                                    .apply_orientation = orientation,
                                    .fail_on = fail_on_of(fail_on),
                                    .print_warnings = false,
                                    .page = page};
        Image image;
        {
          const PixelCall call;
          image = tessera::read_region(path, {x, y, width, height}, options);
        }
        return PyImage{std::move(image), false};
      },
      nb::arg("path"), nb::arg("x"), nb::arg("y"), nb::arg("width"), nb::arg("height"),
      nb::kw_only(), nb::arg("orientation") = true, nb::arg("max_pixels").none() = nb::none(),
      nb::arg("fail_on") = "error", nb::arg("page") = nb::none(),
      "A width x height rectangle at (x, y) of an image file (of its page `page`), upright "
      "unless orientation=False, "
      "decoding no more of the file than its format allows: a tiled TIFF reads only the tiles "
      "the rectangle touches, other formats the rows down to its last (a band at a time). The "
      "same keywords as read().");
  module.def(
      "decode",
      [](nb::handle data, bool orientation, nb::handle max_pixels, const std::string& fail_on,
         std::optional<int> page) {
        const DecodeOptions options{.limits = limits_of(max_pixels),
                                    .apply_orientation = orientation,
                                    .fail_on = fail_on_of(fail_on),
                                    .print_warnings = false,
                                    .page = page};
        Py_buffer buffer{};
        if (PyObject_GetBuffer(data.ptr(), &buffer, PyBUF_SIMPLE) != 0) {
          PyErr_Clear();
          throw nb::type_error("decode() takes the file's bytes: bytes, bytearray, memoryview");
        }
        // The exporter cannot resize or free the bytes while the buffer is held.
        const std::unique_ptr<Py_buffer, void (*)(Py_buffer*)> held(&buffer, PyBuffer_Release);
        Image image;
        std::vector<std::string> warnings;
        {
          const PixelCall call;
          const std::span<const std::byte> bytes(static_cast<const std::byte*>(buffer.buf),
                                                 static_cast<std::size_t>(buffer.len));
          const std::unique_ptr<Decoder> decoder = open_decoder(bytes, "<bytes>", options);
          image = tessera::read(*decoder, options);
          warnings = decoder->warnings();
        }
        warn_of_damage("<bytes>", warnings);
        return PyImage{std::move(image), false};
      },
      nb::arg("data"), nb::kw_only(), nb::arg("orientation") = true,
      nb::arg("max_pixels").none() = nb::none(), nb::arg("fail_on") = "error",
      nb::arg("page") = nb::none(),
      "Decodes an image file held in memory (an HTTP body, a blob): bytes, bytearray or "
      "memoryview; the format from its first bytes; the same keywords as read().");
  module.def(
      "encode",
      [](nb::handle given, const std::string& format, const nb::kwargs& options) {
        const nb::object image = image_argument("encode", given);
        const std::string extension = format.starts_with('.') ? format.substr(1) : format;
        const EncodeOptions encode = encode_options_of(options, "encode", "");
        warn_of_unused_options("image." + extension, options, encode);
        char* data = nullptr;
        std::size_t size = 0;
        {
          const PixelCall call;
          std::FILE* stream = open_memstream(&data, &size);
          if (stream == nullptr) {
            throw Error(ErrorCode::OutOfMemory, "no memory for the encoded bytes",
                        {.operation = "encode"});
          }
          try {
            tessera::write(nb::cast<const PyImage&>(image).image, stream, extension, "<bytes>",
                           encode);
          } catch (...) {
            std::fclose(stream);
            std::free(data);
            throw;
          }
          std::fclose(stream);  // sets data and size to the whole
        }
        const std::unique_ptr<char, void (*)(void*)> owned(data, std::free);
        return nb::steal<nb::bytes>(PyBytes_FromStringAndSize(data, static_cast<Py_ssize_t>(size)));
      },
      nb::arg("image").none(), nb::arg("format"), nb::arg("options"),
      "The image encoded as a file of `format` (\"png\", \"jpg\", \"webp\", ...) in memory, as "
      "bytes; keyword arguments are encode options, as write() takes them.");
  module.def(
      "write",
      [](nb::handle given, const std::filesystem::path& path, const nb::kwargs& options) {
        const nb::object image = image_argument("write", given);
        const EncodeOptions encode = encode_options_of(options, "write", "");
        warn_of_unused_options(path, options, encode);
        const PixelCall call;
        tessera::write(nb::cast<const PyImage&>(image).image, path, encode);
      },
      nb::arg("image").none(), nb::arg("path"), nb::arg("options"),
      "Encodes to `path` in the format its extension names; keyword arguments are the format "
      "table's encode options (quality=80, lossless=True, tiff_compression='lzw', ...). A .gif "
      "and a .png with palette=True are quantised by libimagequant to at most colors=N "
      "(2..256, default 256) colours, dithered at dither=D (0..1, default 1.0, pngquant's); "
      "a GIF's pixels with alpha below 128 are its transparent colour. palette=True on another "
      "format is a ValueError.");
}

}  // namespace tessera::python
