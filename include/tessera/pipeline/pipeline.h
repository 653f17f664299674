#pragma once
// Pipeline text: stages separated by `|`, each an op from the registry with positional then
// name=value arguments.
//
//   auto pipeline = tessera::pipeline::parse("gray | blur 5 | canny 50 150 | rgb");
//   tessera::Image edges = tessera::pipeline::run_whole(pipeline, photo.view());
//
// Values with spaces are quoted: `convolve "-1 -1 -1; -1 16 -1; -1 -1 -1" 8`. A bad pipeline
// is refused by parse(), before any file is opened, with an Error(InvalidArgument) that names
// the column of the mistake and shows it under the text:
//
//   pipeline, column 8: unknown op 'blurr'; the ops are: gray, rgb, ...
//     gray | blurr 5
//            ^

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/image.h"
#include "tessera/ops/registry.h"

namespace tessera::pipeline {

struct Stage {
  const ops::OpDescriptor* op = nullptr;
  ops::OpArguments arguments;  // validated, defaults filled in
  std::string text;            // as written, trimmed: "blur 5"
  std::size_t column = 0;      // 1-based column of the op's name in the pipeline text
};

struct Pipeline {
  std::string text;
  std::vector<Stage> stages;

  // "gray | blur ksize=5 sigma=0 | ...": every stage with every argument, defaults included.
  std::string describe() const;
};

// Parses and validates every stage against the op registry.
Pipeline parse(std::string_view text);

// Runs the stages one after the other on whole images: the reference that streamed execution
// is compared with, and what runs where streaming is not needed.
Image run_whole(const Pipeline& pipeline, ImageView input);

}  // namespace tessera::pipeline
