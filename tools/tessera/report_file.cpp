#include "report_file.h"

#include <filesystem>

#include "html_report.h"
#include "tessera/error.h"

namespace tessera::cli {

std::FILE* open_report_part(const std::string& path) {
  std::error_code ignored;
  if (std::filesystem::is_directory(path, ignored)) {
    throw Error(ErrorCode::InvalidArgument,
                "the report path is a folder: give a file name (e.g. " +
                    (std::filesystem::path(path) / "report.json").string() + " or " +
                    (std::filesystem::path(path) / "report.html").string() + ")",
                {.path = path, .operation = "report"});
  }
  (void)report_format(path);  // .json or .html, said before any work
  std::FILE* file = std::fopen((path + ".part").c_str(), "w");
  if (file == nullptr) {
    throw Error(ErrorCode::Io, "cannot write the report (check the folder exists and is writable)",
                {.path = path, .operation = "report"});
  }
  return file;
}

void report_write_failed(const std::string& path) {
  throw Error(ErrorCode::Io, "cannot write the report (is the disk full?)",
              {.path = path, .operation = "report"});
}

}  // namespace tessera::cli
