/** Path of the generated table file. */
export declare const OUTPUT: string
/** The generated TypeScript source of src/_r4.generated.ts. */
export declare function generateR4Tables(): string
