#pragma once
// JPEG's places for metadata: EXIF and XMP in APP1 markers, Photoshop resources (IPTC) in
// APP13, the resolution in the JFIF header. The ICC profile is libjpeg's own (APP2).

#include <cstdio>

#include <jpeglib.h>

#include "tessera/codec.h"

namespace tessera::codecs {

// What the saved APP1 and APP13 markers and the JFIF header hold (the decoder saves those
// markers before reading the header).
Metadata metadata_from_markers(const jpeg_decompress_struct& cinfo);

// The JFIF density, before jpeg_start_compress.
void set_density(jpeg_compress_struct& cinfo, const Metadata& metadata);
// The EXIF, XMP and IPTC markers, after jpeg_start_compress and before the first row. A blob
// too long for one marker (64 KiB) is left out: false, for the caller to warn.
bool write_metadata_markers(jpeg_compress_struct& cinfo, const Metadata& metadata);

}  // namespace tessera::codecs
