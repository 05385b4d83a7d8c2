/* OpenBLAS's CBLAS interface (Debian: libopenblas-dev, pkg-config "openblas"), and the LAPACK
 * routines the same library exports (lapack.h). */
#include <cblas.h>
#include "lapack.h"
