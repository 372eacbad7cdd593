import { z } from 'zod';

/** Every non-2xx answer of every service (SPEC §5). */
export const errorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
export type ErrorBody = z.infer<typeof errorBody>;
