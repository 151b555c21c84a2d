// Bundle-size probe: what an app pays for sealing, opening, consent and verification from @medseal/core.
import {
  authorize,
  createConsent,
  createConsentToken,
  open,
  seal,
  verifyConsent,
  verifyEventInclusion,
  verifyReceipt,
} from '@medseal/core'

const used: unknown[] = [
  seal,
  open,
  createConsent,
  createConsentToken,
  verifyConsent,
  authorize,
  verifyReceipt,
  verifyEventInclusion,
]
;(globalThis as { medsealBundleProbe?: unknown }).medsealBundleProbe = used
