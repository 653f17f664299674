#pragma once
// Which metadata an encoder writes (EncodeOptions::keep_metadata), applied in one place before
// any format's encoder sees the options.

#include "tessera/codec.h"

namespace tessera::codecs {

// `options` with the ICC profile and the metadata kinds that keep_metadata leaves out cleared.
EncodeOptions kept_metadata(const EncodeOptions& options);

}  // namespace tessera::codecs
