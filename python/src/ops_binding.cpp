// tessera.ops and tessera.run: every op of the registry, called by name with Python values,
// and pipelines run on images in memory. The registry says everything (names, parameters,
// kinds, defaults, ranges, docs): python/tessera/ops.py makes a function of each entry, and
// the values bind through the same bind_arguments() as pipeline text, so a bad value fails
// with the words the CLI uses.

#include <fmt/format.h>
#include <nanobind/nanobind.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "bindings.h"
#include "image_handle.h"
#include "python_call.h"
#include "tessera/codec.h"
#include "tessera/error.h"
#include "tessera/ops/registry.h"
#include "tessera/pipeline/pipeline.h"
#include "tessera/pipeline/plan.h"
#include "tessera/pipeline/stream.h"

namespace nb = nanobind;

namespace tessera::python {
namespace {

const char* kind_name(ParamKind kind) {
  switch (kind) {
    case ParamKind::Integer:
      return "integer";
    case ParamKind::Number:
      return "number";
    case ParamKind::Choice:
      return "choice";
    case ParamKind::Flag:
      return "flag";
    case ParamKind::Rectangle:
      return "rectangle";
    case ParamKind::Size:
      return "size";
    case ParamKind::Kernel:
      return "kernel";
    case ParamKind::Colour:
      return "colour";
    case ParamKind::Sides:
      return "sides";
  }
  return "?";
}

// A Python value that is no form of the parameter's kind, in the registry's words.
[[noreturn]] void refuse(const ops::OpDescriptor& op, const ParamSpec& param) {
  throw Error(
      ErrorCode::InvalidArgument,
      std::string(op.name) + ": " + std::string(param.name) + " is not allowed: " + param.allowed(),
      {.operation = std::string(op.name)});
}

// The numbers of a Python sequence; NaN and infinities are no value of any parameter.
std::vector<double> numbers_of(const ops::OpDescriptor& op, const ParamSpec& param,
                               nb::handle sequence) {
  std::vector<double> numbers;
  for (nb::handle item : sequence) {
    double number = 0;
    if (!nb::try_cast(item, number) || !std::isfinite(number)) refuse(op, param);
    numbers.push_back(number);
  }
  return numbers;
}

// Whole numbers, as a rectangle's, a size's and padding's are: (0.5, 0, 10, 10) is refused
// rather than cut to 0.
std::vector<int> integers_of(const ops::OpDescriptor& op, const ParamSpec& param,
                             nb::handle sequence, std::size_t count) {
  std::vector<int> integers;
  for (const double number : numbers_of(op, param, sequence)) {
    if (number != std::trunc(number) || std::fabs(number) > INT32_MAX) refuse(op, param);
    integers.push_back(static_cast<int>(number));
  }
  if (integers.size() != count) refuse(op, param);
  return integers;
}

// A Python value as the parameter's typed value. Scalars and strings pass as they are (a string
// is read as pipeline text: size="50%"); sequences take the compound kinds' forms.
ops::ParamValue value_for(const ops::OpDescriptor& op, const ParamSpec& param, nb::handle value) {
  // A numpy array (a kernel, a rectangle) as its lists; numpy's scalars pass as numbers below.
  if (nb::hasattr(value, "__array_interface__") && nb::hasattr(value, "tolist") &&
      nb::cast<int>(value.attr("ndim")) > 0) {
    return value_for(op, param, value.attr("tolist")());
  }
  if (nb::isinstance<nb::bool_>(value) || PyObject_TypeCheck(value.ptr(), &PyBool_Type) != 0) {
    const bool on = nb::cast<bool>(value);
    // A yes|no choice (rotate's expand) takes Python's booleans too.
    if (param.kind == ParamKind::Choice && param.choices == "yes|no") {
      return std::string(on ? "yes" : "no");
    }
    return on;
  }
  if (nb::isinstance<nb::str>(value)) return nb::cast<std::string>(value);
  // Python's ints and numpy's integer scalars (np.int64(5)) alike: anything with __index__.
  if (PyIndex_Check(value.ptr()) != 0) {
    const long long number = PyLong_AsLongLong(nb::steal(PyNumber_Index(value.ptr())).ptr());
    if (PyErr_Occurred() != nullptr) {
      PyErr_Clear();
      refuse(op, param);  // past 64 bits
    }
    return static_cast<long>(number);
  }
  // Python's floats and numpy's floating scalars (np.float32(1.5)).
  if (PyFloat_Check(value.ptr()) != 0 || nb::hasattr(value, "__float__")) {
    const double number = PyFloat_AsDouble(value.ptr());
    if (PyErr_Occurred() != nullptr) {
      PyErr_Clear();
      refuse(op, param);
    }
    return number;
  }
  if (!nb::isinstance<nb::sequence>(value)) refuse(op, param);
  switch (param.kind) {
    case ParamKind::Rectangle: {
      const std::vector<int> v = integers_of(op, param, value, 4);
      return Rect{v[0], v[1], v[2], v[3]};
    }
    case ParamKind::Size: {
      const std::vector<int> v = integers_of(op, param, value, 2);
      return ops::Size::pixels(v[0], v[1]);
    }
    case ParamKind::Colour:
      return ops::Colour{numbers_of(op, param, value)};
    case ParamKind::Sides: {
      const std::vector<int> v = integers_of(op, param, value, 4);
      return ops::Padding{v[0], v[1], v[2], v[3]};
    }
    case ParamKind::Kernel: {
      ops::Kernel kernel;
      for (nb::handle row : value) {
        if (!nb::isinstance<nb::sequence>(row)) refuse(op, param);
        const std::vector<double> numbers = numbers_of(op, param, row);
        if (kernel.height > 0 && static_cast<int>(numbers.size()) != kernel.width) {
          refuse(op, param);
        }
        kernel.width = static_cast<int>(numbers.size());
        kernel.values.insert(kernel.values.end(), numbers.begin(), numbers.end());
        ++kernel.height;
      }
      return kernel;
    }
    default:
      refuse(op, param);
  }
}

const ParamSpec* find_param(const ops::OpDescriptor& op, const std::string& name) {
  for (const ParamSpec& param : op.params) {
    if (param.name == name) return &param;
  }
  return nullptr;
}

// "; it takes ksize, sigma", or " (it takes none)".
std::string parameter_list(const ops::OpDescriptor& op) {
  std::string names;
  for (const ParamSpec& param : op.params) {
    names += (names.empty() ? "" : ", ") + std::string(param.name);
  }
  return names.empty() ? " (it takes none)" : "; it takes " + names;
}

// An image past the pixel limit (a typo: resize(img, "100000x")) is refused before it is
// allocated, as a pipeline is when planned.
void check_output_size(const ops::OpDescriptor& op, const Image& image,
                       const ops::OpArguments& arguments) {
  if (!op.output_size) return;
  const auto [width, height] = op.output_size(image.width(), image.height(), arguments);
  const std::uint64_t pixels =
      static_cast<std::uint64_t>(width) * static_cast<std::uint64_t>(height);
  if (pixels > Limits{}.max_pixels) {
    throw Error(ErrorCode::InvalidArgument,
                std::string(op.name) + " would make a " + std::to_string(width) + "x" +
                    std::to_string(height) + " image (" + std::to_string(pixels) +
                    " pixels), more than the pixel limit " + std::to_string(Limits{}.max_pixels),
                {.operation = std::string(op.name)});
  }
}

// Pipeline text planned on a width x height image in memory (in 128-row strips, as
// run_streaming plans one).
pipeline::Plan plan_on(const std::string& text, int width, int height, PixelFormat format) {
  return pipeline::plan(pipeline::parse(text), {width, height, format}, 128);
}

}  // namespace

// The image an op runs on: a tessera.Image, or an array that tessera.Image() wraps (without a
// copy, or refusing in its words), so ops take cv2's and numpy's arrays as they are.
nb::object image_argument(std::string_view function, nb::handle image) {
  if (nb::isinstance<PyImage>(image)) return nb::borrow(image);
  if (image.is_none()) {
    throw nb::type_error((std::string(function) + "() needs an image: " + std::string(function) +
                          "(image, ...), a tessera.Image or a numpy array")
                             .c_str());
  }
  if (!nb::hasattr(image, "__array_interface__") && !nb::hasattr(image, "__dlpack__")) {
    const nb::handle type(reinterpret_cast<PyObject*>(Py_TYPE(image.ptr())));
    throw nb::type_error((std::string(function) +
                          "() takes a tessera.Image or a numpy array as its image, not " +
                          nb::cast<std::string>(type.attr("__name__")))
                             .c_str());
  }
  return nb::type<PyImage>()(image);
}

void bind_ops(nb::module_& module) {
  module.def(
      "op_catalog",
      [] {
        nb::list catalog;
        for (const ops::OpDescriptor& op : ops::all_ops()) {
          nb::list params;
          for (const ParamSpec& param : op.params) {
            nb::dict entry;
            entry["name"] = std::string(param.name);
            entry["kind"] = kind_name(param.kind);
            entry["default"] = std::string(param.default_value);
            entry["required"] = param.default_value.empty();
            entry["allowed"] = param.allowed();
            entry["choices"] = std::string(param.choices);  // an Integer's or Number's words too
            entry["doc"] = std::string(param.doc);
            params.append(entry);
          }
          nb::dict entry;
          entry["name"] = std::string(op.name);
          entry["doc"] = std::string(op.doc);
          entry["function"] = std::string(op.function.empty() ? op.name : op.function);
          entry["params"] = params;
          // The sample types it takes ("u8 only", "u8, u16, f32"), and when arguments narrow
          // them ("" when they do not): the registry's, as `tessera ops` prints them.
          entry["samples"] = op.samples.text();
          entry["samples_note"] = std::string(op.samples_note);
          catalog.append(entry);
        }
        return catalog;
      },
      "Every op of the registry: name, doc, parameters (name, kind, default, allowed, doc) and "
      "the sample types it takes (samples, samples_note).");
  module.def(
      "call_op",
      [](const std::string& name, nb::handle image, const nb::args& args,
         const nb::kwargs& kwargs) {
        const ops::OpDescriptor& op = ops::find_op(name);
        const nb::object image_object = image_argument(op.name, image);
        const PyImage& input = nb::cast<const PyImage&>(image_object);
        if (args.size() > op.params.size()) {
          throw nb::type_error((std::string(op.name) + "() takes " +
                                std::to_string(op.params.size()) + " values after the image, " +
                                std::to_string(args.size()) + " were given")
                                   .c_str());
        }
        std::vector<ops::NamedValue> named;
        named.reserve(args.size() + kwargs.size());
        for (std::size_t i = 0; i < args.size(); ++i) {
          const ParamSpec& param = op.params[i];
          named.push_back({std::string(param.name), value_for(op, param, args[i])});
        }
        for (const auto [key, value] : kwargs) {
          const std::string parameter = nb::cast<std::string>(key);
          const ParamSpec* const known = find_param(op, parameter);
          if (known == nullptr) {  // a keyword typo is a TypeError, as for Python functions
            throw nb::type_error((std::string(op.name) + "() got an unexpected keyword argument '" +
                                  parameter + "'" + parameter_list(op))
                                     .c_str());
          }
          const ParamSpec& param = *known;
          for (std::size_t i = 0; i < args.size(); ++i) {
            if (op.params[i].name == parameter) {
              throw nb::type_error(
                  (std::string(op.name) + "() got two values for '" + parameter + "'").c_str());
            }
          }
          named.push_back({parameter, value_for(op, param, value)});
        }
        for (const ParamSpec& param : op.params) {
          const bool given = std::any_of(named.begin(), named.end(), [&](const auto& value) {
            return value.name == param.name;
          });
          if (param.default_value.empty() && !given) {
            throw nb::type_error((std::string(op.name) + "() needs a value for '" +
                                  std::string(param.name) + "': " + param.allowed())
                                     .c_str());
          }
        }
        const ops::OpArguments arguments = ops::bind_arguments(op, named);
        check_output_size(op, input.image, arguments);
        Image result;
        {
          const PixelCall call;
          result = op.apply(input.image.view(), arguments);
        }
        return PyImage{std::move(result), false};
      },
      nb::arg("name"), nb::arg("image").none() = nb::none(), nb::arg("args"), nb::arg("kwargs"),
      "Runs the op called `name` on `image` (a tessera.Image or a numpy array, wrapped without "
      "a copy) with its parameters' values in order or by name: what tessera.ops' functions "
      "call.");
  module.def(
      "run",
      [](const std::string& text, nb::handle image) {
        const nb::object image_object = image_argument("run", image);
        const Image& input = nb::cast<const PyImage&>(image_object).image;
        // Planned here, so that an image past the pixel limit is refused before any work.
        const pipeline::Plan plan = plan_on(text, input.width(), input.height(), input.format());
        pipeline::check_pixel_limit(plan, Limits{}.max_pixels, "image");
        ImageSink sink;
        {
          const PixelCall call;
          ImageSource source(input.view());
          pipeline::run_streaming(plan, source, sink, pipeline::IoThreads::Caller);
        }
        return PyImage{std::move(sink.image()), false};
      },
      nb::arg("pipeline"), nb::arg("image"),
      "Runs pipeline text (\"gray | blur 5 | canny 50 150 | rgb\") on an image in memory, fused "
      "and streamed band by band as the CLI runs it.");
  module.def(
      "_pipeline_reach",
      [](const std::string& text, nb::handle image, int width, int height) {
        const nb::object image_object = image_argument("_pipeline_reach", image);
        const PixelFormat format = nb::cast<const PyImage&>(image_object).image.format();
        const pipeline::Plan plan = plan_on(text, width, height, format);
        int rows = 0, columns = 0;
        for (const pipeline::StagePlan& step : plan.stages) {
          if (step.mode != pipeline::RunMode::Strips) {
            throw Error(ErrorCode::InvalidArgument,
                        fmt::format("`{}` {}: a chunked run takes ops that keep the size and read "
                                    "a fixed neighbourhood (run it on the whole image instead)",
                                    step.stage.text,
                                    step.output.width != step.input.width ||
                                            step.output.height != step.input.height
                                        ? "changes the image's size"
                                        : "needs the whole image"));
          }
          rows += step.rows_around;
          columns += step.columns_around;
        }
        return std::make_pair(rows, columns);
      },
      nb::arg("pipeline"), nb::arg("image"), nb::arg("width"), nb::arg("height"),
      "(rows, columns) a chunked run of the pipeline on a width x height image of `image`'s "
      "format must overlap its "
      "chunks by on each side so that every chunk's result equals the whole image's "
      "(tessera.dask.map_pipeline); InvalidArgument for a stage that changes the size or needs "
      "the whole image.");
}

}  // namespace tessera::python
