import { makeFinding, type Finding } from '../findings';
import type { Span } from '../python/syntax';
import type { TableDef, UnnamedTable } from '../schema/schema';

/** How many tables a note names before it counts the rest. */
const NAMED = 3;

/** Where env.py sets its target_metadata, and the text it sets it to. */
export interface TargetMetadataSource {
  file: string;
  span: Span;
  text: string;
  /** The dotted name it comes from, where that is no module of the project (`pkg.model.models.BASE.metadata`). */
  external?: string;
}

/**
 * The note for an environment whose migrations make tables while no model of the project is compared with them
 * (env.py builds target_metadata at run time, quay's `gen_sqlalchemy_metadata(all_models)` from Peewee models; the
 * models derive from a base of another package, neutron's model_base.BASEV2): said once, in place of a warning on
 * each of `tables`, those no model describes; `targetRead`: the MetaData target_metadata names was read (`Base.metadata`),
 * not built at run time. Undefined when a model is compared.
 */
export function noModelsNote({ models, otherModels, unnamed, tables, target, targetRead, fallbackFile, noEnvPy, packageName }: { models: TableDef[]; otherModels: number; unnamed: UnnamedTable[]; tables: string[]; target: TargetMetadataSource | undefined; targetRead: boolean; fallbackFile: string; noEnvPy?: boolean; packageName?: string }): Finding | undefined {
  if (models.length > 0 || tables.length === 0) return undefined;
  const listed = tables.slice(0, NAMED).map((n) => `"${n}"`).join(', ') + (tables.length > NAMED ? ` and ${tables.length - NAMED} more` : '');
  const counted = `the ${tables.length === 1 ? 'table' : `${tables.length} tables`} the migrations make that no model describes (${listed}) ${tables.length === 1 ? 'is' : 'are'} not reported`;
  const setting = noEnvPy ? 'the environment has no env.py' : !target ? 'env.py sets no target_metadata' : target.text === 'None' ? 'env.py sets target_metadata to None' : `env.py's target_metadata is \`${target.text}\`${targetRead ? '' : ', not defined in the project'}`;
  const [first] = unnamed;
  const found = otherModels > 0
    ? `none of the project's ${otherModels} models is about this environment (${first ? `${first.what} may be, but cannot be read` : 'they share no table with its migrations'})`
    : !first
    ? 'no SQLAlchemy model was found in the project (its tables may be made at run time, or its models live in another package)'
    : `no model found in the project can be read (${first.what}${unnamed.length > 1 ? ` and ${unnamed.length - 1} more` : ''}, ${first.why ?? 'whose table name cannot be evaluated statically'})`;
  return makeFinding('unresolved', { message: `${setting}, and ${found}: ${counted}${aboveTheFolder(target, packageName)}.`, file: target?.file ?? fallbackFile, span: target?.span ?? [0, 0, 0, 0] });
}

/**
 * Where target_metadata comes from a package that holds the checked folder (barbican's env.py in
 * barbican/model/migration imports barbican.model.models): which folder to check for its models to be read.
 */
function aboveTheFolder(target: TargetMetadataSource | undefined, packageName: string | undefined): string {
  const outer = packageName?.split('.') ?? [];
  if (!target?.external || outer.length < 2 || target.external.split('.')[0] !== outer[0]) return '';
  return `. Its models are of package ${outer[0]}, which holds the checked folder (${packageName}): check the folder that holds ${outer[0]}/, ${outer.length} levels above, to compare them`;
}
