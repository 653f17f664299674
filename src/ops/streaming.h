#pragma once
// How the pipeline's executor streams an op: the hooks an op's descriptor carries beside what
// the public registry says about it. They live here, not in tessera/ops/registry.h, because
// they are executor mechanics (bands, windows, destinations) that change with the executor,
// while the registry is what `tessera ops`, the Python bindings and Dask read; an
// OpDescriptor holds them behind a pointer to this type, which the public header only names.
//
//   .streaming = detail::make_hooks({.rows_around = [](const OpArguments& args) ... })

#include <array>
#include <functional>
#include <memory>
#include <optional>

#include "tessera/image.h"
#include "tessera/ops/registry.h"

namespace tessera::ops::detail {

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

struct StreamingHooks {
  // How many input rows above and below each output row the op reads with these arguments (0
  // for a point op, the kernel's half height for a neighbourhood op), or nullopt when it needs
  // the whole image or changes the size. Empty: 0 for Point access, nullopt otherwise.
  std::function<std::optional<int>(const OpArguments&)> rows_around;
  // How many input columns left and right of each output pixel such an op reads. Empty: as
  // many as rows_around (a square neighbourhood). Chunked runs that cut columns as well as rows
  // (tessera.dask.map_pipeline) overlap their chunks by it.
  std::function<int(const OpArguments&)> columns_around;
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
  // Runs the op into `dst`, which has the output's size and format (the pipeline's last stage
  // writes straight into an image sink this way). Empty: the op has only the returning form.
  std::function<void(ImageView, MutableImageView, const OpArguments&)> apply_into;
};

// What an op's descriptor keeps in OpDescriptor::streaming.
std::shared_ptr<const StreamingHooks> make_hooks(StreamingHooks hooks);

// `op`'s hooks; every one empty when the op has none.
const StreamingHooks& hooks_of(const OpDescriptor& op);

// rows_around for `op` with `arguments`, with the defaults above applied.
std::optional<int> rows_around(const OpDescriptor& op, const OpArguments& arguments);
// columns_around, likewise, for an op whose rows_around is not nullopt.
int columns_around(const OpDescriptor& op, const OpArguments& arguments);

}  // namespace tessera::ops::detail
