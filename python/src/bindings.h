#pragma once
// The pieces of the _tessera module, each binding one part of the C++ API.

#include <nanobind/nanobind.h>

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/budget.h"
#include "tessera/codec.h"
#include "tessera/profiler.h"

// Exported from libtessera_python for both extension modules: nanobind's types are hidden (it
// expects to live inside one module), and GCC would hide every function that takes one.
#pragma GCC visibility push(default)
namespace tessera::python {

void bind_errors(nanobind::module_& module);
void bind_image(nanobind::module_& module);
void bind_ops(nanobind::module_& module);
void bind_convert(nanobind::module_& module);
void bind_batch(nanobind::module_& module);
void bind_source(nanobind::module_& module);
void bind_memory(nanobind::module_& module);
void bind_report(nanobind::module_& module);

// Text from the C++ side as a Python str, where it may hold a file name that is not UTF-8 (a
// Linux file name is bytes): a path as os.fsdecode gives it (an undecodable byte as a surrogate,
// so that the str opens the same file again), and a message with such a byte shown as "\xff".
nanobind::str path_str(const std::filesystem::path& path);
nanobind::str message_str(std::string_view text);

// Keyword arguments as encode options of the format table, by name (quality=80,
// lossless=True): what write(), encode(), convert() and batch() take besides their own. A name
// that is no encode option is a TypeError, as Python's own calls make it ("convert() got an
// unexpected keyword argument 'estimate'"), listing `own` (the function's other keywords, "" if
// none) and the encode options; a bad value is Error(InvalidArgument) in the table's words.
EncodeOptions encode_options_of(const nanobind::kwargs& options, std::string_view function,
                                std::string_view own);

// A UserWarning at the caller's line for each option of `options` that writing `output`'s
// format does not read (quality= for a PNG), as the CLI warns of ignored options.
void warn_of_unused_options(const std::filesystem::path& output, const nanobind::kwargs& options,
                            const EncodeOptions& encode);

// A tessera.DecodeWarning (a UserWarning) at the caller's line for each of `warnings`, what a
// decoder accepted in a damaged file (fail_on="none"), so that Python's warnings machinery
// (filters, catch_warnings, -W error) sees them. Decoders are opened with print_warnings off.
// `stack_level` as warnings.warn's stacklevel: 2 for a binding called through a Python
// wrapper of the package, so that the warning names the user's line.
void warn_of_damage(const std::filesystem::path& path, const std::vector<std::string>& warnings,
                    int stack_level = 1);

// The decoding rules Python callers give by keyword: max_pixels (None: the default limit, 0:
// none, as the CLI's --unlimited) and fail_on ("error", "warning" or "none").
Limits limits_of(nanobind::handle max_pixels);
FailOn fail_on_of(const std::string& fail_on);

// The budget of this thread's innermost `with tessera.budget`, and the Python object that owns
// it: a binding that hands the budget to a thread of its own (tessera.batch) holds the object
// while that thread charges the budget. {nullptr, None} outside any `with`.
struct EnteredBudget {
  MemoryBudget* budget = nullptr;
  nanobind::object owner;
};
EnteredBudget entered_budget();

// A size in bytes as Python gives it (an int, or text such as "512M"); `what` names it in the
// refusal of anything else or 0.
std::size_t bytes_of(nanobind::handle size, std::string_view what);

// The image a call takes: a tessera.Image, or an array that tessera.Image() wraps (without a
// copy, or refusing in its words), so calls take cv2's and numpy's arrays as they are. Returns
// the Image object, which the caller holds while it uses the pixels; `function` names the call
// in a TypeError for anything else.
nanobind::object image_argument(std::string_view function, nanobind::handle image);

// A region of a buffer as tessera.memory shows it: x, y, width, height, bytes, handles and the
// site (the Python line that cut it first); region_list: every live region of a buffer.
nanobind::dict region_dict(const memory::RegionInfo& region);
nanobind::list region_list(const memory::BufferInfo& buffer);

}  // namespace tessera::python
#pragma GCC visibility pop
