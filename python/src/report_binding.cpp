// What tessera.dask's report shares with `tessera batch --report`: its format from the path's
// extension (.json or .html, refused in the CLI's words before any work), the page the CLI
// draws from the JSON, and every encode option with the value a run of these options writes
// with (the report's "settings", as batch_report.cpp lists them).

#include <nanobind/nanobind.h>
#include <nanobind/stl/string.h>

#include <string>

#include "bindings.h"
#include "html_report.h"  // tools/tessera: the page, compiled into this library too
#include "tessera/formats.h"

namespace nb = nanobind;

namespace tessera::python {

void bind_report(nb::module_& module) {
  module.def(
      "_report_format",
      [](const std::string& path) {
        return cli::report_format(path) == cli::ReportFormat::Html ? "html" : "json";
      },
      nb::arg("path"));
  module.def("_report_text", &cli::report_text, nb::arg("path"), nb::arg("json_text"),
             nb::call_guard<nb::gil_scoped_release>());
  module.def("_encode_settings", [](const nb::kwargs& options) {
    const EncodeOptions encode = encode_options_of(options, "batch", "");
    nb::dict settings;
    for (const EncodeOptionSpec& option : all_encode_options()) {
      const std::string name(option.param.name);
      const std::string value = encode_option_value(encode, name);
      switch (option.param.kind) {
        case ParamKind::Integer:
          settings[name.c_str()] = std::stoi(value);
          break;
        case ParamKind::Flag:
          settings[name.c_str()] = value == "true";
          break;
        default:
          settings[name.c_str()] = value;
      }
    }
    settings["max_pixels"] = Limits{}.max_pixels;
    return settings;
  });
}

}  // namespace tessera::python
