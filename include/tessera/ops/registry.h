#pragma once
// The op registry: one descriptor per op, read by `tessera ops`, the CLI help, the pipeline
// parser and the Python bindings, so that no op's parameters are written twice.
//
// A descriptor says what an op is called, what it does in one line, its parameters (kind,
// default, range) and how it reads its input (a point op reads one pixel per output pixel; a
// neighbourhood op reads a radius of rows around it; a whole-image op needs all of it). Its
// `apply` runs the op on an image with bound arguments. Arguments bind from pipeline text's
// tokens or from typed values by name (Python's keyword arguments), through the same checks,
// to the same values, failing with the same words:
//
//   const auto& blur = tessera::ops::find_op("blur");
//   const std::vector<std::string> tokens{"5"};
//   auto args = tessera::ops::bind_arguments(blur, tokens);   // ksize=5, sigma=0
//   tessera::Image soft = blur.apply(photo.view(), args);
//   tessera::ops::bind_arguments(blur, {{"ksize", 5}}) == args;  // true: typed, by name
//   tessera::ops::bind_arguments(blur, {{"ksize", 4}});  // Error: blur: ksize 4 is not allowed
//                                                        // ..., as the tokens {"4"} fail
//   args.describe();  // "ksize=5 sigma=0", pipeline text that binds back to args
//
// The registry is built once, on first use, and is read-only afterwards (thread-safe).

#include <array>
#include <functional>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tessera/image.h"
#include "tessera/ops/param_value.h"
#include "tessera/param_spec.h"

namespace tessera::ops {

enum class Access {
  Point,          // each output pixel from the input pixel at the same place
  Neighbourhood,  // each output pixel from a window of input rows around it
  WholeImage,     // needs the whole input (histograms, hysteresis, rotation, resize)
};

// An op's parameters are tessera::ParamSpecs (param_spec.h), as an encoder's options are.
using tessera::ParamKind;
using tessera::ParamSpec;

class OpArguments;

// The sample types an op takes: a small set of SampleType, written "u8, u16, f32".
struct SampleTypes {
  bool u8 = false;
  bool u16 = false;
  bool f32 = false;

  static constexpr SampleTypes only_u8() { return {true, false, false}; }
  static constexpr SampleTypes all() { return {true, true, true}; }
  constexpr bool has(SampleType type) const {
    return type == SampleType::U8 ? u8 : type == SampleType::U16 ? u16 : f32;
  }
  // "u8 only", "u8, u16, f32".
  std::string text() const;

  friend constexpr bool operator==(SampleTypes, SampleTypes) = default;
};

namespace detail {
// How the pipeline's executor streams an op (bands, row mappers, row consumers): internal, in
// src/ops/streaming.h.
struct StreamingHooks;
}  // namespace detail

struct OpDescriptor {
  std::string_view name;
  std::string_view doc;
  // The C++ function's name where it differs from the pipeline name (blur: "gaussian_blur"),
  // under which Python offers the op too; empty: the same.
  std::string_view function;
  std::vector<ParamSpec> params;
  Access access = Access::Point;
  // Each output sample is a function of the input sample at the same place alone, the same for
  // every colour channel (alpha kept): on 8-bit images, a 256-entry table. The pipeline fuses
  // neighbouring ops of this kind into one table.
  bool per_sample = false;
  // The output's width and height for an input of width x height; throws Error as the op would
  // (a crop that does not fit). Planning reads it before any pixel exists. Empty: the op keeps
  // the size.
  std::function<std::array<int, 2>(int width, int height, const OpArguments&)> output_size;
  // Runs the op; the arguments must come from bind_arguments() for this descriptor.
  std::function<Image(ImageView, const OpArguments&)> apply;
  // Rules that join parameters (canny: low <= high; blur: ksize odd unless 0 with a sigma),
  // run by bind_arguments() after each parameter passed its own check. May be empty.
  std::function<void(const OpArguments&)> check;
  // The executor's hooks; null when the op has none (it then runs as its access says).
  std::shared_ptr<const detail::StreamingHooks> streaming;
  // The sample types the op takes with some arguments: what `tessera ops` lists, and what
  // the pipeline's plan checks before any pixel is decoded. The single source: the op's C++
  // function checks its input against it too (u8 only unless the op says otherwise).
  SampleTypes samples = SampleTypes::only_u8();
  // Where some arguments narrow `samples` (rotate by an angle that is not a quarter turn
  // takes u8 only): the types with these arguments, and `samples_note` says when, in a few
  // words for `tessera ops` and the refusal. Empty: `samples` whatever the arguments.
  std::function<SampleTypes(const OpArguments&)> samples_with;
  std::string_view samples_note;
};

// The sample types `op` takes with `arguments`.
SampleTypes samples_of(const OpDescriptor& op, const OpArguments& arguments);
// Throws Error(InvalidArgument) unless `op` with `arguments` takes `sample`, in the words the
// plan shows under the stage: "canny takes u8 only, got u16: put `depth u8` before it".
void require_samples(const OpDescriptor& op, const OpArguments& arguments, SampleType sample);

// How a pipeline runs an op beyond what its access says: an op that changes the size may still
// stream rows (resize, crop), and a whole-image op may take its input in bands (canny).
enum class Streaming {
  AsAccess,  // as `access` says
  Rows,      // each band of output rows from the input rows it reads
  Bands,     // the whole image, taken band by band as the input arrives
};
Streaming streaming_of(const OpDescriptor& op);

// Validated argument values by parameter name, in declaration order, defaults filled in.
// Each accessor takes the kind it is named for (number() and integer() either numeric kind);
// asking for another is a programming error (Error(Internal)).
class OpArguments {
 public:
  double number(std::string_view name) const;
  int integer(std::string_view name) const;
  // A Choice, or the word an Integer or Number took (threshold's "otsu").
  const std::string& choice(std::string_view name) const;
  bool flag(std::string_view name) const;
  const Rect& rectangle(std::string_view name) const;
  const Size& size(std::string_view name) const;
  const Kernel& kernel(std::string_view name) const;
  const Colour& colour(std::string_view name) const;
  const Padding& sides(std::string_view name) const;
  const ParamValue& value(std::string_view name) const;
  // The value as pipeline text (to_text): "l2", "50%", "-1 -1 -1; -1 16 -1; -1 -1 -1".
  const std::string& text(std::string_view name) const;
  // "name=value name=value", in declaration order, values with spaces quoted: pipeline text
  // that binds back to equal arguments.
  std::string describe() const;

  // Same parameters with equal values.
  friend bool operator==(const OpArguments&, const OpArguments&) = default;

 private:
  struct Argument {
    std::string name;
    ParamValue value;
    std::string text;  // to_text(value), kept for text()

    friend bool operator==(const Argument&, const Argument&) = default;
  };
  const Argument& find(std::string_view name) const;
  template <typename T>
  const T& get(std::string_view name, std::string_view kind) const;

  friend OpArguments bind_arguments(const OpDescriptor&, std::span<const std::string>);
  friend OpArguments bind_arguments(const OpDescriptor&, std::span<const NamedValue>);
  std::vector<Argument> values_;
};

// Every op, in the order `tessera ops` lists them.
const std::vector<OpDescriptor>& all_ops();
// The op called `name`; Error(InvalidArgument) listing every op when there is none.
const OpDescriptor& find_op(std::string_view name);

// From pipeline text's tokens: positional values first, then name=value, each parsed and
// checked by parse_value(). Throws Error(InvalidArgument) naming the op, the parameter and what
// it allows.
OpArguments bind_arguments(const OpDescriptor& op, std::span<const std::string> tokens);
// From typed values by name, in any order (Python's keyword arguments, a Dask task's). A value
// of the parameter's own type is checked by check_parameter(); any other (a string for a
// Size, an integer for a Number) is taken as the text to_text() gives it, so that binding
// {ksize: 4} and `blur 4` fail with the same words, and {size: "50%"} works as `resize 50%`.
OpArguments bind_arguments(const OpDescriptor& op, std::span<const NamedValue> values);
// The same for a literal list, `{{"ksize", 5}, {"sigma", 1.5}}`, and for `{}`: the defaults.
inline OpArguments bind_arguments(const OpDescriptor& op,
                                  std::initializer_list<NamedValue> values) {
  return bind_arguments(op, std::span<const NamedValue>(values.begin(), values.size()));
}

// The value `text` gives `param` of `op`, checked by check_parameter(); Error(InvalidArgument)
// in the words bind_arguments() uses ("blur: ksize 'five' is not a number: ...").
ParamValue parse_value(std::string_view op, const ParamSpec& param, std::string_view text);

// Checks one value against a parameter: its range, oddness, choices, a rectangle's, size's,
// kernel's, colour's or sides' form. The one check both binders and the typed C++ functions
// make (so that `gaussian_blur(src, 4)` and `blur 4` fail with the same message).
void check_parameter(std::string_view op, const ParamSpec& param, const ParamValue& value);
void check_parameter(std::string_view op, const ParamSpec& param, double value);

}  // namespace tessera::ops
