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

void write_report_file(const std::string& path, const std::string& text) {
  const std::string part = path + ".part";
  std::FILE* file = std::fopen(part.c_str(), "w");
  const bool written =
      file != nullptr && std::fwrite(text.data(), 1, text.size(), file) == text.size();
  const bool closed = file != nullptr && std::fclose(file) == 0;
  if (!written || !closed || std::rename(part.c_str(), path.c_str()) != 0) {
    std::remove(part.c_str());
    report_write_failed(path);
  }
}

}  // namespace tessera::cli
