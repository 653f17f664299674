// tessera.ops and tessera.run: every op of the registry, called by name with Python values,
// and pipelines run on images in memory. The registry says everything (names, parameters,
// kinds, defaults, ranges, docs): python/tessera/ops.py makes a function of each entry, and
// the values bind through the same bind_arguments() as pipeline text, so a bad value fails
// with the words the CLI uses.

#include <nanobind/nanobind.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <cstdint>
#include <string>
#include <vector>

#include "bindings.h"
#include "image_handle.h"
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

std::vector<double> numbers_of(nb::handle sequence) {
  std::vector<double> numbers;
  for (nb::handle item : sequence) numbers.push_back(nb::cast<double>(item));
  return numbers;
}

// A Python value as the parameter's typed value. Scalars and strings pass as they are (a string
// is read as pipeline text: size="50%"); sequences take the compound kinds' forms.
ops::ParamValue value_for(const ops::OpDescriptor& op, const ParamSpec& param, nb::handle value) {
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
      const std::vector<double> v = numbers_of(value);
      if (v.size() != 4) refuse(op, param);
      return Rect{static_cast<int>(v[0]), static_cast<int>(v[1]), static_cast<int>(v[2]),
                  static_cast<int>(v[3])};
    }
    case ParamKind::Size: {
      const std::vector<double> v = numbers_of(value);
      if (v.size() != 2) refuse(op, param);
      return ops::Size::pixels(static_cast<int>(v[0]), static_cast<int>(v[1]));
    }
    case ParamKind::Colour:
      return ops::Colour{numbers_of(value)};
    case ParamKind::Sides: {
      const std::vector<double> v = numbers_of(value);
      if (v.size() != 4) refuse(op, param);
      return ops::Padding{static_cast<int>(v[0]), static_cast<int>(v[1]), static_cast<int>(v[2]),
                          static_cast<int>(v[3])};
    }
    case ParamKind::Kernel: {
      ops::Kernel kernel;
      for (nb::handle row : value) {
        const std::vector<double> numbers = numbers_of(row);
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

const ParamSpec& param_named(const ops::OpDescriptor& op, const std::string& name) {
  for (const ParamSpec& param : op.params) {
    if (param.name == name) return param;
  }
  std::string names;
  for (const ParamSpec& param : op.params)
    names += (names.empty() ? "" : ", ") + std::string(param.name);
  throw Error(ErrorCode::InvalidArgument,
              std::string(op.name) + ": no parameter '" + name + "'" +
                  (names.empty() ? " (it takes none)" : "; it takes " + names),
              {.operation = std::string(op.name)});
}

}  // namespace

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
          catalog.append(entry);
        }
        return catalog;
      },
      "Every op of the registry: name, doc and parameters (name, kind, default, allowed, doc).");
  module.def(
      "apply_op",
      [](const std::string& name, const PyImage& image, const nb::dict& values) {
        const ops::OpDescriptor& op = ops::find_op(name);
        std::vector<ops::NamedValue> named;
        for (const auto [key, value] : values) {
          const std::string parameter = nb::cast<std::string>(key);
          named.push_back({parameter, value_for(op, param_named(op, parameter), value)});
        }
        const ops::OpArguments arguments = ops::bind_arguments(op, named);
        // An image past the pixel limit (a typo: resize(img, "100000x")) is refused before it
        // is allocated, as a pipeline is when planned.
        if (op.output_size) {
          const auto [width, height] =
              op.output_size(image.image.width(), image.image.height(), arguments);
          const std::uint64_t pixels =
              static_cast<std::uint64_t>(width) * static_cast<std::uint64_t>(height);
          if (pixels > Limits{}.max_pixels) {
            throw Error(ErrorCode::InvalidArgument,
                        std::string(op.name) + " would make a " + std::to_string(width) + "x" +
                            std::to_string(height) + " image (" + std::to_string(pixels) +
                            " pixels), more than the pixel limit " +
                            std::to_string(Limits{}.max_pixels),
                        {.operation = std::string(op.name)});
          }
        }
        Image result;
        {
          const nb::gil_scoped_release unlocked;
          result = op.apply(image.image.view(), arguments);
        }
        return PyImage{std::move(result), false};
      },
      nb::arg("name"), nb::arg("image"), nb::arg("values"),
      "Runs the op called `name` on `image` with parameter values by name.");
  module.def(
      "run",
      [](const std::string& text, const PyImage& image) {
        const pipeline::Pipeline stages = pipeline::parse(text);
        const Image& input = image.image;
        // Planned here, so that an image past the pixel limit is refused before any work (128-row
        // strips, as run_streaming plans an image in memory).
        const pipeline::Plan plan =
            pipeline::plan(stages, {input.width(), input.height(), input.format()}, 128);
        pipeline::check_pixel_limit(plan, Limits{}.max_pixels, "image");
        ImageSink sink;
        {
          const nb::gil_scoped_release unlocked;
          ImageSource source(input.view());
          pipeline::run_streaming(plan, source, sink, pipeline::IoThreads::Caller);
        }
        return PyImage{std::move(sink.image()), false};
      },
      nb::arg("pipeline"), nb::arg("image"),
      "Runs pipeline text (\"gray | blur 5 | canny 50 150 | rgb\") on an image in memory, fused "
      "and streamed band by band as the CLI runs it.");
}

}  // namespace tessera::python
