/**
 * The recipes by the name the CLI and the docs use.
 * @module
 */
import { run as clinicalTrial } from './clinicalTrial/clinicalTrial.js'
import { run as drugProvenance } from './drugProvenance/drugProvenance.js'
import { run as emergencyDepartment } from './emergencyDepartment/emergencyDepartment.js'
import { run as insuranceClaim } from './insuranceClaim/insuranceClaim.js'
import { run as researchExport } from './researchExport/researchExport.js'
import type { RecipeOptions } from './shared/ledger.js'

/** Every recipe: `run(options, output)` resolving with its summary of verified facts. */
export const RECIPES = {
  'drug-provenance': drugProvenance,
  'clinical-trial': clinicalTrial,
  'insurance-claim': insuranceClaim,
  'research-export': researchExport,
  'emergency-department': emergencyDepartment,
} as const satisfies Record<string, (options: RecipeOptions, output: (line: string) => void) => Promise<unknown>>

/** A recipe's name. */
export type RecipeName = keyof typeof RECIPES
