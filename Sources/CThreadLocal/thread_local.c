#include "thread_local.h"

_Thread_local bool sg_tls_grad_disabled SG_TLS = false;
_Thread_local void *sg_tls_slots[SG_TLS_SLOTS] SG_TLS;
