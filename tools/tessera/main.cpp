// The tessera command line. Thin by design: every behaviour lives in the library.

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <cctype>
#include <filesystem>

#include <unistd.h>

#include <cmath>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "batch_command.h"
#include "command_line.h"
#include "completion.h"
#include "encode_options.h"
#include "exit_status.h"
#include "formats_listing.h"
#include "html_report.h"
#include "info_command.h"
#include "memory_demo.h"
#include "ops_command.h"
#include "tessera/batch/batch.h"
#include "tessera/codec.h"
#include "tessera/error.h"
#include "tessera/formats.h"
#include "tessera/pipeline/pipeline.h"
#include "tessera/profiler.h"
#include "tessera/version.h"
#include "version_command.h"
#include "video_program.h"

namespace {

using tessera::cli::exit_status;
using tessera::cli::kExitUsage;
using tessera::cli::print_error;
using tessera::cli::report_plan_error;

tessera::FailOn parse_fail_on(const std::string& text) {
  return text == "warning" ? tessera::FailOn::Warning
         : text == "none"  ? tessera::FailOn::None
                           : tessera::FailOn::Error;
}

// The extensions tessera writes, from the format table: "jpg, jpeg, jpe, png, ..." (with dots
// if `dotted`).
std::string written_extensions(bool dotted) {
  std::string list;
  for (const tessera::FormatDescription& format : tessera::all_formats()) {
    if (!format.written) continue;
    for (const std::string_view extension : format.extensions) {
      list +=
          fmt::format("{}{}", list.empty() ? "" : ", ", dotted ? extension : extension.substr(1));
    }
  }
  return list;
}

// --format's value as output names will carry it: lower case ("PNG" writes 1.png, not 1.PNG
// beside another run's 1.png), and not empty (which would silently mean the input's format).
const CLI::Validator kFormatName(
    [](std::string& value) -> std::string {
      if (value.empty()) return "needs a format, e.g. png";
      for (char& c : value) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return {};
    },
    "FORMAT");

// A --memory value: a size, never 0 (which would leave no room; no --memory means no cap).
std::size_t parse_memory_cap(const std::string& text) {
  const std::size_t bytes = tessera::memory::parse_bytes(text);
  if (bytes == 0) {
    throw tessera::Error(tessera::ErrorCode::InvalidArgument,
                         fmt::format("--memory {} leaves no room for any image: give a size such "
                                     "as 512M, or leave --memory out for no cap",
                                     text));
  }
  return bytes;
}

}  // namespace

int main(int argc, char** argv) {
  // A reader that goes away (`tessera convert a.jpg - --format png | head -c 10`) makes a write
  // fail with EPIPE, reported as an Io error, instead of killing the process without a word.
  std::signal(SIGPIPE, SIG_IGN);
  // `--version [--json]` before the command line is parsed: it takes no command.
  if (argc >= 2 && std::string_view(argv[1]) == "--version") {
    const bool json = argc == 3 && std::string_view(argv[2]) == "--json";
    if (argc > 2 && !json) {
      fmt::print(stderr, "tessera: --version takes only --json after it\n");
      return kExitUsage;
    }
    return tessera::cli::print_version(json);
  }
  CLI::App app{"tessera: image processing with memory you can trust", "tessera"};
  // Listed in --help; handled above.
  app.set_version_flag("--version", "tessera " TESSERA_VERSION_STRING,
                       "The version, commit, build and the libraries it is built with "
                       "(--version --json for scripts)");
  app.require_subcommand(1);

  tessera::cli::MemoryDemoOptions demo;
  auto* demo_command = app.add_subcommand(
      "memory-demo",
      "Show the memory profiler on a scripted scenario: a leak, a pinned parent, a compact, a "
      "budget refusal, and the leak report");
  demo_command->add_option("--width", demo.photo_width, "Width of each simulated photo")
      ->check(CLI::Range(1, 1 << 15));
  demo_command->add_option("--height", demo.photo_height, "Height of each simulated photo")
      ->check(CLI::Range(1, 1 << 15));
  demo_command->add_option("--photos", demo.photos, "How many photos the cache receives")
      ->check(CLI::Range(1, 1000));
  demo_command->add_flag("--leak-at-exit", demo.leak_at_exit,
                         "Leave one image alive at exit (try with TESSERA_LEAK_CHECK=1)");
  demo_command
      ->add_option("--report", demo.report,
                   "Write the live buffers by site after each step here: demo.json, or "
                   "demo.html for a page with bar charts")
      ->check(tessera::cli::report_file_name());

  // Decoding limits, shared by every command that reads images.
  tessera::cli::LimitOptions limit_options;
  const auto add_limit_options = [&](CLI::App* command) { limit_options.add_to(command); };
  // What ends a decode, and shrink-on-load, for the commands that decode pixels.
  std::string fail_on = "error";
  bool no_shrink_on_load = false;
  bool keep_orientation = false;
  std::optional<int> page;
  const auto add_decode_options = [&](CLI::App* command) {
    command
        ->add_option("--page", page,
                     "Which image of a file holding several, from 0: a TIFF's page, a HEIF's "
                     "top-level image, a GIF's or animated WebP's frame (composited as a viewer "
                     "shows it); default the first (a HEIF's primary image)")
        ->check(tessera::cli::page_number());
    command
        ->add_option("--fail-on", fail_on,
                     "What fails a decode: error (a truncated or corrupt file; the default), "
                     "warning (also a decoder's warnings), none (keep a partial image)")
        ->check(CLI::IsMember({"error", "warning", "none"}))
        ->capture_default_str();
    command->add_flag("--no-shrink-on-load", no_shrink_on_load,
                      "Decode at full size even when the pipeline shrinks the image");
    command->add_flag("--no-rotate", keep_orientation,
                      "Keep pixels as stored instead of applying EXIF orientation");
  };

  std::vector<std::string> info_paths;
  auto* info_command = app.add_subcommand(
      "info", "Print format, size, channels, depth, orientation, ICC and decode memory");
  bool list_formats = false;
  auto* info_files = info_command->add_option("files", info_paths, "Image files");
  info_command
      ->add_flag("--formats", list_formats,
                 "List the formats tessera reads and writes, their extensions and encode options")
      ->excludes(info_files);
  bool info_json = false;
  info_command->add_flag("--json", info_json,
                         "One JSON object per file, one per line (JSON Lines); an unreadable "
                         "file is an object with an \"error\"");
  add_limit_options(info_command);
  std::optional<int> info_page;
  info_command
      ->add_option("--page", info_page,
                   "Describe this page or frame (from 0) rather than the first; the pages and "
                   "frames are listed either way")
      ->check(tessera::cli::page_number());

  tessera::cli::ConvertOptions convert;
  auto* convert_command =
      app.add_subcommand("convert", "Convert one image; the format comes from OUT's extension");
  convert_command->add_option("input", convert.input, "Input image, or - for standard input")
      ->required();
  convert_command
      ->add_option("output", convert.output,
                   fmt::format("Output image; its extension picks the format ({})",
                               written_extensions(true)))
      ->required();
  convert_command->add_option("-p,--pipeline", convert.pipeline,
                              "Ops to run, e.g. 'gray | blur 5 | canny 50 150 | rgb' (see "
                              "`tessera ops`)");
  convert_command->add_flag("--estimate", convert.estimate,
                            "Print the plan and its peak memory from the headers; convert nothing");
  std::string memory_limit;
  convert_command->add_option("--memory", memory_limit,
                              "Refuse the job if its estimate is above this, and stop it if it "
                              "would go above (e.g. 512M, 1.5G)");
  const tessera::cli::EncodeOptionFlags convert_encode(convert_command);
  convert_command
      ->add_option("--format", convert.output_format,
                   fmt::format("Output format when OUT is - (standard output): {}; "
                               "else OUT's extension",
                               written_extensions(false)))
      ->transform(kFormatName);
  convert_command
      ->add_option("--report", convert.report,
                   "Write a report of the job here: stage timings, memory over time against the "
                   "estimate; one.json for JSON, one.html for a page")
      ->check(tessera::cli::report_file_name());
  convert_command->add_flag("--overwrite", convert.overwrite,
                            "Allow OUT to be the input file itself (replacing it)");
  add_limit_options(convert_command);
  add_decode_options(convert_command);

  tessera::cli::BatchCommand batch;
  std::string batch_memory, batch_shard;
  auto* batch_command = app.add_subcommand(
      "batch", "Run a folder of images (or a list of paths, or - for stdin) through a pipeline");
  batch_command->add_option("input", batch.options.input, "Folder, file of paths, or -")
      ->required();
  batch_command->add_option("output", batch.options.output, "Output folder (made if missing)")
      ->required();
  batch_command->add_option("-p,--pipeline", batch.pipeline,
                            "Ops to run, e.g. 'resize 50% | sharpen' (see `tessera ops`)");
  batch_command->add_option("-j,--jobs", batch.options.jobs, "Files at once (0: one per core)")
      ->check(CLI::Range(0, 256))
      ->capture_default_str();
  batch_command->add_option("--memory", batch_memory,
                            "Cap on memory for all files together, e.g. 512M; files wait for room, "
                            "and one that alone needs more fails");
  batch_command
      ->add_option(
          "--format", batch.options.format,
          fmt::format("Output format: {} (default: the input's)", written_extensions(false)))
      ->transform(kFormatName);
  const tessera::cli::EncodeOptionFlags batch_encode(batch_command);
  batch_command->add_flag("--resume", batch.options.resume,
                          "Skip inputs whose output exists (outputs appear only when "
                          "complete), after removing what a killed run was writing");
  batch_command->add_option("--shard", batch_shard,
                            "K/N: take a stable 1/N of the inputs (for N machines)");
  batch_command
      ->add_option("--report", batch.report,
                   "Write a report here: every file, the totals, a memory timeline; run.json "
                   "for JSON, run.html for a page with charts")
      ->check(tessera::cli::report_file_name());
  batch_command->add_flag("-r,--recursive", batch.options.recursive, "Walk subfolders too");
  add_limit_options(batch_command);
  add_decode_options(batch_command);

  // `tessera video` is a program of its own, tessera-video, run in this process's place (see
  // run_video_program): only it loads FFmpeg's libraries, which would add 28 MiB of RSS and
  // 40 ms to every other command. Listed here for --help.
  app.add_subcommand("video", tessera::cli::kVideoDescription)->allow_extras();

  std::string report_input, report_output;
  auto* report_command = app.add_subcommand(
      "report",
      "Render a JSON report (batch, video, convert, memory-demo) as one self-contained HTML page");
  report_command->add_option("report", report_input, "The JSON report (--report run.json)")
      ->required();
  report_command->add_option("-o,--output", report_output, "The page to write (run.html)")
      ->required();
  bool report_overwrite = false;
  report_command->add_flag("--overwrite", report_overwrite,
                           "Replace the page if it exists (without it, an existing file is "
                           "refused and left as it was)");

  std::vector<std::string> op_names;
  auto* ops_command =
      app.add_subcommand("ops", "List every image op with its parameters, defaults and ranges");
  ops_command->add_option("names", op_names, "Show only these ops");

  std::string completion_shell;
  auto* completion_command = app.add_subcommand(
      "completion",
      "Print a shell completion script made from tessera's own options and ops: `source <(tessera "
      "completion bash)`, or save it as ~/.local/share/bash-completion/completions/tessera");
  completion_command->add_option("shell", completion_shell, "The shell (bash)")
      ->required()
      ->check(CLI::IsMember({"bash"}));

  // The first word names a subcommand: say so when it does not, with the list, and take
  // `tessera help [CMD]` as `--help`.
  const auto subcommand_named = [&](const std::string& name) -> CLI::App* {
    for (CLI::App* command : app.get_subcommands({})) {
      if (command->get_name() == name) return command;
    }
    return nullptr;
  };
  const auto subcommand_list = [&] {
    std::string names;
    for (CLI::App* command : app.get_subcommands({})) {
      names += (names.empty() ? "" : ", ") + command->get_name();
    }
    return names + ", help";
  };
  if (argc >= 2 && std::string_view(argv[1]) == "video") {
    return tessera::cli::run_video_program(argc - 2, argv + 2);
  }
  if (argc == 3 && std::string_view(argv[1]) == "help" && std::string_view(argv[2]) == "video") {
    char help[] = "--help";
    char* arguments[] = {help};
    return tessera::cli::run_video_program(1, arguments);
  }
  if (argc >= 2 && argv[1][0] != '-') {
    const std::string word = argv[1];
    if (word == "help") {
      if (argc == 2) {
        fmt::print("{}", app.help());
        return 0;
      }
      if (CLI::App* command = subcommand_named(argv[2])) {
        fmt::print("{}", command->help());
        return 0;
      }
      fmt::print(stderr,
                 "tessera: unknown subcommand '{}'; the commands are: {} (see tessera --help)\n",
                 argv[2], subcommand_list());
      return kExitUsage;
    }
    if (subcommand_named(word) == nullptr) {
      fmt::print(stderr,
                 "tessera: unknown subcommand '{}'; the commands are: {} (see tessera --help)\n",
                 word, subcommand_list());
      return kExitUsage;
    }
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int status = app.exit(error);
    return status == 0 ? 0 : kExitUsage;
  }

  tessera::Limits limits;
  try {
    limits = limit_options.limits();
  } catch (const tessera::Error& error) {
    print_error(error);
    return exit_status(error);
  }

  // The same for batch: pipeline, memory and shard are checked before anything is opened.
  if (*batch_command) {
    batch.options.shrink_on_load = !no_shrink_on_load;
    batch.options.apply_orientation = !keep_orientation;
    batch.options.fail_on = parse_fail_on(fail_on);
    batch.options.page = page;
    try {
      if (!batch.pipeline.empty()) tessera::pipeline::parse(batch.pipeline);
      if (!batch_memory.empty()) batch.options.memory = parse_memory_cap(batch_memory);
      if (!batch_shard.empty()) {
        const auto shard = tessera::batch::parse_shard(batch_shard);
        batch.options.shard = shard.shard;
        batch.options.shards = shard.shards;
      }
    } catch (const tessera::Error& error) {
      print_error(error);
      return exit_status(error);
    }
  }

  // A bad pipeline or memory limit is a usage error, reported before any file is touched.
  if (*convert_command) {
    try {
      if (!convert.pipeline.empty()) tessera::pipeline::parse(convert.pipeline);
      if (!memory_limit.empty()) convert.memory = parse_memory_cap(memory_limit);
      if (convert.output == "-") {
        if (convert.output_format.empty()) {
          throw tessera::Error(tessera::ErrorCode::InvalidArgument,
                               "OUT is - (standard output), which has no extension: say the "
                               "format with --format (e.g. --format png)");
        }
        if (::isatty(STDOUT_FILENO) != 0 && !convert.estimate) {
          throw tessera::Error(tessera::ErrorCode::InvalidArgument,
                               "standard output is a terminal: redirect it to a file or a pipe "
                               "(e.g. > out.png), or give an output file");
        }
      }
      if (!convert.output_format.empty() && convert.output != "-") {
        throw tessera::Error(tessera::ErrorCode::InvalidArgument,
                             fmt::format("--format is for OUT - (standard output); '{}' takes its "
                                         "format from its extension",
                                         convert.output));
      }
      if (!convert.output_format.empty()) {
        // The same check as an extension gets, before any file is opened.
        (void)tessera::format_for_option(convert.output_format);
      }
      if (!convert.overwrite) {
        tessera::check_output_is_not_input(convert.input, convert.output, ", or add --overwrite");
      }
    } catch (const tessera::Error& error) {
      print_error(error);
      return exit_status(error);
    }
  }

  try {
    if (*demo_command) {
      demo.command_line = tessera::cli::command_line(argc, argv);
      return tessera::cli::run_memory_demo(demo);
    }
    if (*ops_command) return tessera::cli::run_ops(op_names);
    if (*report_command) {
      tessera::cli::render_report_file(report_input, report_output, report_overwrite);
      return 0;
    }
    if (*batch_command) {
      batch.options.limits = limits;
      batch_encode.apply(batch.options.encode);
      batch.given_encode_options = batch_encode.given();
      batch.command_line = tessera::cli::command_line(argc, argv);
      try {
        return tessera::cli::run_batch(batch);
      } catch (const tessera::Error& error) {
        // Files fail one by one inside the run; what escapes is about the command itself (an
        // input that is neither a folder nor a list, a format tessera cannot write) or the
        // system (an output folder that cannot be made).
        print_error(error);
        return exit_status(error);
      }
    }
    if (*completion_command) {
      fmt::print("{}", tessera::cli::bash_completion(app, tessera::cli::video_option_names()));
      return 0;
    }
    if (*info_command) {
      if (list_formats) return tessera::cli::run_formats_listing();
      if (info_paths.empty()) {
        print_error(tessera::Error(tessera::ErrorCode::InvalidArgument,
                                   "info needs image files, or --formats for the formats tessera "
                                   "knows (see tessera info --help)"));
        return kExitUsage;
      }
      return tessera::cli::run_info(info_paths, limits, info_json, info_page);
    }
    if (*convert_command) {
      convert.limits = limits;
      convert.apply_orientation = !keep_orientation;
      convert.shrink_on_load = !no_shrink_on_load;
      convert.fail_on = parse_fail_on(fail_on);
      convert.page = page;
      convert.command_line = tessera::cli::command_line(argc, argv);
      convert_encode.apply(convert.encode);
      // Options for another format than OUT's are said once rather than ignored in silence.
      // An output tessera cannot write is a usage error, said before the input is opened.
      tessera::FileFormat written{};
      try {
        written = convert.output_format.empty() ? tessera::format_for_extension(convert.output)
                                                : tessera::format_for_option(convert.output_format);
        // So is an option the format cannot take (--palette on a .jpg).
        tessera::check_encode_options(written, convert.encode, convert.output);
      } catch (const tessera::Error& error) {
        print_error(error);
        return exit_status(error);
      }
      std::error_code not_a_folder;
      if (std::filesystem::is_directory(convert.output, not_a_folder)) {
        // Said before the work: the rename into place would fail only after all of it.
        print_error(tessera::Error(tessera::ErrorCode::InvalidArgument,
                                   "OUT is a folder: give a file name in it (e.g. OUT/name.png)",
                                   {.path = convert.output, .operation = "convert"}));
        return kExitUsage;
      }
      for (const std::string& ignored :
           tessera::cli::ignored_encode_options(written, convert_encode.given(), convert.encode)) {
        fmt::print(stderr, "tessera: warning: {}; ignored for '{}'\n", ignored, convert.output);
      }
      try {
        return tessera::cli::run_convert(convert);
      } catch (const tessera::Error& error) {
        if (error.operation() != "plan pipeline") throw;
        return report_plan_error(error, convert.pipeline);
      }
    }
  } catch (const tessera::Error& error) {
    print_error(error);
    return exit_status(error);
  }
  return kExitUsage;
}
