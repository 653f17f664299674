#pragma once
// `tessera completion bash`: a bash completion script made from the command line's own
// definitions (each command's options, from CLI11) and the op registry (op names inside -p),
// so that it cannot drift from the program. Install it where bash-completion looks
// (`tessera completion bash > ~/.local/share/bash-completion/completions/tessera`) or source it.

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace tessera::cli {

// The script for `app` (whose subcommands are tessera's commands) and the options of
// `tessera video` (`video_options`: the video program's own, see video_option_names()).
std::string bash_completion(const CLI::App& app, const std::vector<std::string>& video_options);

// Every option name of `app` and its subcommands' (long and short), one per line, as
// tessera-video prints them for the script (`tessera-video --option-names`).
std::vector<std::string> option_names(const CLI::App& app);

}  // namespace tessera::cli
