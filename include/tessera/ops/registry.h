#pragma once
// The op registry: one descriptor per op, read by `tessera ops`, the CLI help, the pipeline
// parser and (later) the Python bindings, so that no op's parameters are written twice.
//
// A descriptor says what an op is called, what it does in one line, its parameters (type,
// default, range) and how it reads its input (a point op reads one pixel per output pixel; a
// neighbourhood op reads a radius of rows around it; a whole-image op needs all of it). Its
// `apply` runs the op on an image from arguments given as text, as a pipeline does:
//
//   const auto& blur = tessera::ops::find_op("blur");
//   auto args = tessera::ops::bind_arguments(blur, {"5"});          // ksize=5, sigma=0
//   tessera::Image soft = blur.apply(photo.view(), args);
//   tessera::ops::bind_arguments(blur, {"4"});  // Error: blur: ksize must be an odd integer ...
//
// The registry is built once, on first use, and is read-only afterwards (thread-safe).

#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/image.h"
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

// An op that needs the whole image but can take its input in bands of rows as they arrive
// (Canny: non-maximum suppression band by band into its edge map, hysteresis at the end), so
// that a pipeline need not gather the input first. Made cheaply; it allocates in open().
class RowConsumer {
 public:
  virtual ~RowConsumer() = default;
  // Input rows a band needs beyond its own on each side.
  virtual int rows_around() const = 0;
  // Allocates what the bands go into; called once, before the first band.
  virtual void open() = 0;
  // Takes rows [first, end) of the input, from `window`, which holds input rows window_top ..
  // window_top + window.height() - 1 (rows_around() beyond the band, as far as the image goes).
  // Bands come in any order, and disjoint bands may come from several threads at once.
  virtual void consume(ImageView window, int window_top, int first, int end) = 0;
  // Every row has been consumed: the output.
  virtual Image finish() = 0;
};

// An op that changes the size but can still stream (resize, crop): it computes any band of
// output rows from a window holding just the input rows that band reads.
class RowMapper {
 public:
  virtual ~RowMapper() = default;
  // The input rows [first, end) that output rows [out_first, out_end) read.
  virtual std::array<int, 2> input_rows(int out_first, int out_end) const = 0;
  // Output rows out_top .. out_top + out.height() - 1, from `window`, which holds input rows
  // window_top .. window_top + window.height() - 1.
  virtual void run(ImageView window, int window_top, MutableImageView out, int out_top) const = 0;
};

struct OpDescriptor {
  std::string_view name;
  std::string_view doc;
  std::vector<ParamSpec> params;
  Access access = Access::Point;
  // Each output sample is a function of the input sample at the same place alone, the same for
  // every colour channel (alpha kept): on 8-bit images, a 256-entry table. The pipeline fuses
  // neighbouring ops of this kind into one table.
  bool per_sample = false;
  // For streaming: how many input rows above and below each output row the op reads with
  // these arguments (0 for a point op, the kernel's half height for a neighbourhood op), or
  // nullopt when it needs the whole image or changes the size. Empty: 0 for Point access,
  // nullopt otherwise.
  std::function<std::optional<int>(const OpArguments&)> rows_around;
  // The output's width and height for an input of width x height; throws Error as the op would
  // (a crop that does not fit). Empty: the op keeps the size.
  std::function<std::array<int, 2>(int width, int height, const OpArguments&)> output_size;
  // For streaming an op that changes the size: its row mapper for an input of this size and
  // format. Empty: the op takes the image whole.
  std::function<std::unique_ptr<RowMapper>(int width, int height, PixelFormat format,
                                           const OpArguments&)>
      row_mapper;
  // For a whole-image op that can take its input in bands: its consumer for an input of this
  // size and format. Empty: the input is gathered into one image first.
  std::function<std::unique_ptr<RowConsumer>(int width, int height, PixelFormat format,
                                             const OpArguments&)>
      row_consumer;
  // Runs the op; the arguments must come from bind_arguments() for this descriptor.
  std::function<Image(ImageView, const OpArguments&)> apply;
  // Runs the op into `dst`, which has the output's size and format (the pipeline's last stage
  // writes straight into an image sink this way). Empty: the op has only the returning form.
  std::function<void(ImageView, MutableImageView, const OpArguments&)> apply_into;
  // Rules that join parameters (canny: low <= high; blur: ksize odd unless 0 with a sigma),
  // run by bind_arguments() after each parameter passed its own check. May be empty.
  std::function<void(const OpArguments&)> check;
};

// rows_around for `op` with `arguments`, with the defaults above applied.
std::optional<int> rows_around(const OpDescriptor& op, const OpArguments& arguments);

// Validated argument values by parameter name, defaults filled in.
class OpArguments {
 public:
  const std::string& text(std::string_view name) const;
  double number(std::string_view name) const;
  int integer(std::string_view name) const;
  // "name=value name=value", in declaration order.
  std::string describe() const;

 private:
  friend OpArguments bind_arguments(const OpDescriptor&, std::span<const std::string>);
  std::vector<std::pair<std::string, std::string>> values_;
};

// Every op, in the order `tessera ops` lists them.
const std::vector<OpDescriptor>& all_ops();
// The op called `name`; Error(InvalidArgument) listing every op when there is none.
const OpDescriptor& find_op(std::string_view name);

// Positional values first, then name=value, checked against each parameter's range. Throws
// Error(InvalidArgument) naming the op, the parameter and what it allows.
OpArguments bind_arguments(const OpDescriptor& op, std::span<const std::string> tokens);

// Checks one value against a parameter; the same check bind_arguments() makes, for the typed
// C++ functions (so that `gaussian_blur(src, 4)` and `blur 4` fail with the same message).
void check_parameter(std::string_view op, const ParamSpec& param, double value);

}  // namespace tessera::ops
