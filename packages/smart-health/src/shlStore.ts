/**
 * Where a SMART Health Link server keeps its links (the consent token behind each, the encrypted files, the passcode
 * hash and the attempts left) and the short-lived file locations it hands out.
 * @module
 */
import type { Address, Hex } from '@medseal/core'

/** One file of a link: the JWE (the server never holds the key) and the record it comes from. */
export type ShlStoredFile = {
  readonly contentType: string
  readonly jwe: string
  /** The sealed record's commitment: the consent must cover it, and the access log names it. */
  readonly commitment: Hex
  readonly resourceType: string
}

/**
 * What a link's registration was signed with, beside what the link itself holds: with the link's id, consent, files
 * and passcode hash it rebuilds the signed statement, so an auditor can prove later who registered the link
 * (`verifyShlLinkRegistration`).
 */
export type ShlStoredRegistration = {
  /** The link server's public base URL the registration was signed for. */
  readonly service: string
  /** When it was signed, Unix seconds. */
  readonly issuedAt: number
  /** The attempts as signed (0: the server's default applied). */
  readonly maxAttempts: number
  /** The consent grantee's EIP-712 `ShlRegistration` signature. */
  readonly signature: Hex
}

/** A registered link. */
export type ShlStoredLink = {
  /** The manifest id (43 base64url characters: 256 bits). */
  readonly id: string
  /** The encoded consent token (`msc1.…`) the link is backed by. */
  readonly token: string
  readonly consentId: Hex
  /** The patient (the consent's grantor). */
  readonly grantor: Address
  /** The link's grantee address (the consent's grantee): the actor of the link's access-log events. */
  readonly grantee: Address
  readonly files: readonly ShlStoredFile[]
  /** PBKDF2-SHA-256 of the passcode, when the link has one. */
  readonly passcode?: { readonly salt: string; readonly hash: string; readonly iterations: number }
  /** Wrong passcodes still allowed before the link is disabled. */
  readonly attemptsLeft: number
  readonly disabled: boolean
  /**
   * The registration the link was accepted with (`createShlRoutes` stores it with every link it registers). Absent on
   * links stored before it was kept.
   */
  readonly registration?: ShlStoredRegistration
}

/** A file location handed out by a manifest. */
export type ShlFileLocation = { readonly linkId: string; readonly index: number; readonly expiresAt: number }

/** The store interface a link server needs; {@link createMemoryShlStore} implements it. */
export type ShlStore = {
  /** Adds a link; false when the id is taken. */
  insert(link: ShlStoredLink): Promise<boolean>
  get(id: string): Promise<ShlStoredLink | undefined>
  /**
   * Atomically reserves one passcode attempt before the passcode is checked, so that parallel guesses cannot exceed
   * the limit (SMART Health Links §Manifest Request): returns the attempts left after the reservation, or -1 when
   * none are left (or the link is disabled).
   */
  takeAttempt(id: string): Promise<number>
  /**
   * Settles an attempt reserved by {@link ShlStore.takeAttempt} (without one it does nothing): a right passcode gives
   * it back; a wrong one keeps it, and disables the link when no attempt is left and no other check is in flight.
   */
  settleAttempt(id: string, correct: boolean): Promise<void>
  putLocation(token: string, location: ShlFileLocation): Promise<void>
  getLocation(token: string): Promise<ShlFileLocation | undefined>
}

/**
 * A link store in memory (a single process; links are lost on restart). Bounded: at most `maxLocations` file
 * locations are kept, the oldest dropped first.
 *
 * @param params - `maxLocations` (default 100,000)
 * @returns the store
 * @example
 * ```ts
 * import { createMemoryShlStore, createShlRoutes } from '@medseal/smart-health'
 * const routes = createShlRoutes({ store: createMemoryShlStore(), ledger, log, publicUrl: 'https://custodian.example' })
 * ```
 */
export function createMemoryShlStore(params: { readonly maxLocations?: number } = {}): ShlStore {
  const max = params.maxLocations ?? 100_000
  const links = new Map<string, ShlStoredLink>()
  const reserved = new Map<string, number>()
  const locations = new Map<string, ShlFileLocation>()
  return Object.freeze({
    async insert(link: ShlStoredLink) {
      if (links.has(link.id)) return false
      links.set(link.id, Object.freeze({ ...link }))
      return true
    },
    async get(id: string) {
      return links.get(id)
    },
    async takeAttempt(id: string) {
      const link = links.get(id)
      if (!link || link.disabled || link.attemptsLeft <= 0) return -1
      links.set(id, Object.freeze({ ...link, attemptsLeft: link.attemptsLeft - 1 }))
      reserved.set(id, (reserved.get(id) ?? 0) + 1)
      return link.attemptsLeft - 1
    },
    async settleAttempt(id: string, correct: boolean) {
      const link = links.get(id)
      const inFlight = reserved.get(id) ?? 0
      if (!link || inFlight === 0) return
      if (inFlight === 1) reserved.delete(id)
      else reserved.set(id, inFlight - 1)
      if (correct) links.set(id, Object.freeze({ ...link, attemptsLeft: link.attemptsLeft + 1 }))
      else if (link.attemptsLeft === 0 && inFlight === 1) links.set(id, Object.freeze({ ...link, disabled: true }))
    },
    async putLocation(token: string, location: ShlFileLocation) {
      locations.set(token, location)
      while (locations.size > max) locations.delete(locations.keys().next().value as string)
    },
    async getLocation(token: string) {
      return locations.get(token)
    },
  })
}
