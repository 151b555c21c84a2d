// Types for the shared test vectors imported through the `@vectors/` vite alias (tests only).
declare module '@vectors/hpke/rfc9180-test-vectors.json' {
  const value: unknown[]
  export default value
}
declare module '@vectors/wycheproof/aes_gcm_test.json' {
  const value: {
    testGroups: {
      ivSize: number
      keySize: number
      tagSize: number
      tests: {
        tcId: number
        comment: string
        flags: string[]
        key: string
        iv: string
        aad: string
        msg: string
        ct: string
        tag: string
        result: 'valid' | 'invalid' | 'acceptable'
      }[]
    }[]
  }
  export default value
}
