#include "completion.h"

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

#include "tessera/ops/registry.h"

namespace tessera::cli {

namespace {

std::string joined(const std::vector<std::string>& words) {
  std::string text;
  for (const std::string& word : words) {
    if (!text.empty()) text += ' ';
    text += word;
  }
  return text;
}

}  // namespace

std::vector<std::string> option_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::Option* option : app.get_options()) {
    for (const std::string& name : option->get_lnames()) names.push_back("--" + name);
    for (const std::string& name : option->get_snames()) names.push_back("-" + name);
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

std::string bash_completion(const CLI::App& app, const std::vector<std::string>& video_options) {
  std::vector<std::string> commands;
  std::string cases;
  for (const CLI::App* command : app.get_subcommands({})) {
    const std::string& name = command->get_name();
    commands.push_back(name);
    const std::vector<std::string> options =
        name == "video" ? video_options : option_names(*command);
    cases += fmt::format("    {}) options=\"{}\" ;;\n", name, joined(options));
  }
  commands.push_back("help");
  std::vector<std::string> ops;
  for (const ops::OpDescriptor& op : ops::all_ops()) ops.push_back(std::string(op.name));
  return fmt::format(
      R"(# bash completion for tessera, made by `tessera completion bash` from the program's own
# command line and op registry.
_tessera() {{
  local cur=${{COMP_WORDS[COMP_CWORD]}} prev=${{COMP_WORDS[COMP_CWORD-1]}}
  local commands="{commands}"
  local ops="{ops}"
  if [[ $COMP_CWORD -eq 1 ]]; then
    COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
    return
  fi
  local command=${{COMP_WORDS[1]}} options=""
  case $command in
{cases}    help) COMPREPLY=($(compgen -W "$commands" -- "$cur")); return ;;
  esac
  # Inside a pipeline (-p "gray | bl<TAB>"): the op names, after the last '|'.
  if [[ $prev == -p || $prev == --pipeline ]]; then
    local before=${{cur%|*}} word=${{cur##*|}}
    [[ $before == "$cur" ]] && before="" || before="$before|"
    local lead=${{word%%[! ]*}}
    word=${{word#"$lead"}}
    local prefix="${{before}}${{lead}}"
    # The word as typed keeps its opening quote, which readline leaves out of what it matches:
    # a candidate that kept it would be inserted again after the text (-p 'gray | bl<TAB>).
    prefix=${{prefix#[\"\']}}
    mapfile -t COMPREPLY < <(compgen -P "$prefix" -W "$ops" -- "$word")  # one per line: spaces
    return
  fi
  if [[ $command == ops && $cur != -* ]]; then
    COMPREPLY=($(compgen -W "$ops" -- "$cur"))
    return
  fi
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$options" -- "$cur"))
    return
  fi
  COMPREPLY=($(compgen -f -- "$cur"))
}}
complete -o filenames -o bashdefault -F _tessera tessera
)",
      fmt::arg("commands", joined(commands)), fmt::arg("ops", joined(ops)),
      fmt::arg("cases", cases));
}

}  // namespace tessera::cli
