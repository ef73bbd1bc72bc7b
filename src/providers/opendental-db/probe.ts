import { Connection } from 'mysql2';
import { ResourceReadability, ResourceType } from '../provider-adapter';
import { isResourceUnavailable, resourceFailureCode } from '../provider.exception';
import { query } from './mysql-connection';
import { OpenDentalDbConfig } from './opendental-db.config';
import { tablesFor } from './resource-readers';

/**
 * Probes each resource by `SELECT 1 FROM <table> LIMIT 0` on every table its read needs
 * ({@link tablesFor}): no row is read, yet the server checks that the table exists
 * (ER_NO_SUCH_TABLE) and that the login holds SELECT on it (ER_TABLEACCESS_DENIED_ERROR).
 * A resource is unreadable with the first failing table's code and message. Column-level
 * grants are not seen by this probe (a sync reports them as `resource_forbidden`).
 * @throws ProviderException for failures that are not about one table (connection lost…).
 */
export async function probeTables(
  connection: Connection, resources: ResourceType[], config: OpenDentalDbConfig,
): Promise<Partial<Record<ResourceType, ResourceReadability>>> {
  const verdicts = new Map<string, ResourceReadability>();
  const out: Partial<Record<ResourceType, ResourceReadability>> = {};
  for (const resource of resources) {
    let verdict: ResourceReadability = { readable: true };
    for (const table of tablesFor(resource, config)) {
      let tableVerdict = verdicts.get(table);
      if (!tableVerdict) {
        tableVerdict = await probeTable(connection, table);
        verdicts.set(table, tableVerdict);
      }
      if (tableVerdict.readable !== true) {
        verdict = tableVerdict;
        break;
      }
    }
    out[resource] = verdict;
  }
  return out;
}

async function probeTable(connection: Connection, table: string): Promise<ResourceReadability> {
  try {
    await query(connection, `SELECT 1 FROM \`${table.replace(/`/g, '``')}\` LIMIT 0`);
    return { readable: true };
  } catch (error) {
    if (!isResourceUnavailable(error)) throw error;
    return { readable: false, code: resourceFailureCode(error), message: error.message };
  }
}
