#pragma once
// The typed value of an op parameter: what OpArguments holds, what Python and Dask pass by
// name, and, through to_text(), what pipeline text says. Each ParamKind has one C++ type:
//
//   Integer   long            Rectangle  tessera::Rect       Colour  Colour
//   Number    double          Size       Size                Sides   Padding
//   Choice    std::string     Kernel     Kernel
//   Flag      bool
//
// and an Integer or Number that also takes words (threshold's "otsu") holds the word as a
// std::string. Values are plain values: copyable, comparable, no sharing.
//
// to_text() writes a value so that parsing the text gives the same value back, exactly
// (numbers in fmt's shortest round-trip form):
//
//   to_text(tessera::ops::Size::percent(50))                    // "50%"
//   to_text(tessera::ops::Kernel{3, 1, {0.25, 0.5, 0.25}})      // "0.25 0.5 0.25"
//   to_text(tessera::Rect{2, 3, 10, 8})                         // "2,3,10,8"

#include <string>
#include <variant>
#include <vector>

#include "tessera/image_view.h"
#include "tessera/ops/filters.h"
#include "tessera/ops/geometry.h"

namespace tessera::ops {

// A colour as written, in 0..255 per channel: one value (gray, or the same for r, g and b),
// r,g,b, or r,g,b,a where the parameter allows alpha. Kept as written, so that its text is too.
struct Colour {
  std::vector<double> values;

  friend bool operator==(const Colour&, const Colour&) = default;
};

// resize's size as written: a percentage ("50%"), a factor ("0.5") or pixels ("800x600",
// "500x", "x300"). The form is kept, so that the text is what was written.
struct Size {
  enum class Form { Percent, Factor, Pixels };
  Form form = Form::Factor;
  double amount = 0;  // Percent: the percentage; Factor: the factor
  int width = 0;      // Pixels; 0: from the height and the aspect ratio
  int height = 0;     // Pixels; 0: from the width and the aspect ratio

  static Size percent(double amount) { return {Form::Percent, amount, 0, 0}; }
  static Size factor(double amount) { return {Form::Factor, amount, 0, 0}; }
  static Size pixels(int width, int height) { return {Form::Pixels, 0, width, height}; }

  // What resize() takes (fit: Fill).
  ResizeTarget target() const;

  friend bool operator==(const Size&, const Size&) = default;
};

using ParamValue =
    std::variant<double, long, std::string, bool, Rect, Size, Kernel, Colour, Padding>;

// A value for the parameter called `name`: what a keyword argument binds to.
struct NamedValue {
  std::string name;
  ParamValue value;
};

// `value` as pipeline text, without quotes: "5", "0.1", "l2", "true", "2,3,10,8", "50%",
// "500x", "-1 -1 -1; -1 16 -1; -1 -1 -1", "255,255,255", "1,2,3,4".
std::string to_text(const ParamValue& value);

}  // namespace tessera::ops
