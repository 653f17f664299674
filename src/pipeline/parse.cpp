// Pipeline text to validated stages.

#include <fmt/format.h>

#include <cctype>

#include "tessera/error.h"
#include "tessera/pipeline/pipeline.h"

namespace tessera::pipeline {
namespace {

struct Token {
  std::string text;
  std::size_t column = 0;  // 0-based offset in the pipeline text
};

[[noreturn]] void refuse(std::string_view text, std::size_t offset, const std::string& what) {
  throw Error(ErrorCode::InvalidArgument,
              fmt::format("pipeline, column {}: {}\n  {}\n  {}^", offset + 1, what, text,
                          std::string(offset, ' ')),
              {.operation = "parse pipeline"});
}

// Splits text into stages at `|` and each stage into tokens at spaces, keeping quoted values
// ('...' or "...") whole.
std::vector<std::vector<Token>> tokenize(std::string_view text) {
  std::vector<std::vector<Token>> stages(1);
  // (A flag rather than std::optional<Token>: GCC 12 at -O2 warns that an optional string
  // may be used uninitialised.)
  Token current;
  bool in_token = false;
  char quote = 0;
  std::size_t quote_start = 0;
  auto finish_token = [&] {
    if (in_token) stages.back().push_back(std::move(current));
    current = Token{};
    in_token = false;
  };
  auto start_token = [&](std::size_t at) {
    if (!in_token) current = Token{"", at};
    in_token = true;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quote != 0) {
      if (c == quote) {
        quote = 0;
      } else {
        current.text += c;
      }
      continue;
    }
    if (c == '"' || c == '\'') {
      start_token(i);
      quote = c;
      quote_start = i;
      continue;
    }
    if (c == '|') {
      finish_token();
      if (stages.back().empty()) refuse(text, i, "an empty stage before '|'");
      stages.emplace_back();
      continue;
    }
    if (std::isspace(static_cast<unsigned char>(c))) {
      finish_token();
      continue;
    }
    start_token(i);
    current.text += c;
  }
  if (quote != 0) refuse(text, quote_start, fmt::format("a {} quote that is never closed", quote));
  finish_token();
  if (stages.back().empty()) {
    if (stages.size() == 1) refuse(text, 0, "no stages (e.g. 'gray | blur 5')");
    refuse(text, text.size(), "an empty stage after '|'");
  }
  return stages;
}

// The error message of an op's own check, without the op name it starts with ("blur: ...").
std::string without_prefix(const std::string& message, std::string_view op) {
  const std::string prefix = fmt::format("{}: ", op);
  return message.starts_with(prefix) ? message.substr(prefix.size()) : message;
}

}  // namespace

std::string Pipeline::describe() const {
  std::string out;
  for (const Stage& stage : stages) {
    const std::string arguments = stage.arguments.describe();
    out += fmt::format("{}{}{}{}", out.empty() ? "" : " | ", stage.op->name,
                       arguments.empty() ? "" : " ", arguments);
  }
  return out;
}

Pipeline parse(std::string_view text) {
  Pipeline pipeline{std::string(text), {}};
  for (const std::vector<Token>& tokens : tokenize(text)) {
    const Token& name = tokens.front();
    const ops::OpDescriptor* op = nullptr;
    try {
      op = &ops::find_op(name.text);
    } catch (const Error& error) {
      refuse(text, name.column, error.message());
    }
    std::vector<std::string> values;
    for (std::size_t i = 1; i < tokens.size(); ++i) values.push_back(tokens[i].text);
    Stage stage{op, {}, {}, name.column + 1};
    try {
      stage.arguments = ops::bind_arguments(*op, values);
    } catch (const Error& error) {
      // Point at the argument the message names, else at the op.
      std::size_t column = name.column;
      for (std::size_t i = 1; i < tokens.size(); ++i) {
        const std::string& value = tokens[i].text;
        const std::size_t equals = value.find('=');
        const std::string bare = equals == std::string::npos ? value : value.substr(equals + 1);
        if (error.message().find(fmt::format("'{}'", value)) != std::string::npos ||
            error.message().find(fmt::format(" {} ", bare)) != std::string::npos ||
            error.message().find(fmt::format("'{}'", bare)) != std::string::npos) {
          column = tokens[i].column;
          break;
        }
      }
      refuse(text, column,
             fmt::format("{}: {}", op->name, without_prefix(error.message(), op->name)));
    }
    const std::size_t end = tokens.back().column + tokens.back().text.size();
    stage.text = std::string(text.substr(name.column, end - name.column));
    pipeline.stages.push_back(std::move(stage));
  }
  return pipeline;
}

Image run_whole(const Pipeline& pipeline, ImageView input) {
  if (pipeline.stages.empty()) {
    throw Error(ErrorCode::InvalidArgument, "pipeline: no stages to run",
                {.operation = "run pipeline"});
  }
  Image current;
  ImageView view = input;
  for (const Stage& stage : pipeline.stages) {
    // Each stage's result replaces the previous one, which is freed as soon as it is read.
    current = stage.op->apply(view, stage.arguments);
    view = current.view();
  }
  return current;
}

}  // namespace tessera::pipeline
