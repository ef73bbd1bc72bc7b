import { Rederive } from '../canonical/rederive';
import { rederiveNexHealth } from './nexhealth/rederive';
import { rederiveOpenDental } from './opendental-shared/rederive';

/**
 * Each vendor's re-derive function by vendor id (the `integrations.vendor` value), for the
 * `records:rederive` step that rewrites stored records from `raw` (docs/canonical-model.md).
 * Adding a vendor: export a {@link Rederive} from its folder and add one line here.
 */
export const RECORD_REDERIVERS: Readonly<Record<string, Rederive>> = {
  'opendental-db': rederiveOpenDental,
  'opendental-api': rederiveOpenDental,
  nexhealth: rederiveNexHealth,
};
