#pragma once
// Everything public in one include.
#include "tessera/budget.h"
#include "tessera/codec.h"
#include "tessera/error.h"
#include "tessera/image.h"
#include "tessera/image_view.h"
#include "tessera/memory.h"
#include "tessera/pixel_format.h"
#include "tessera/profiler.h"
