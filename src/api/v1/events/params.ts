import { arr, bool, expandParam, listParams, str, type Infer } from '../../params.js';

// https://docs.stripe.com/api/events/list
export const listEventParams = {
  ...listParams,
  delivery_success: bool(),
  type: str({ max: 5000 }),
  types: arr(str({ max: 5000 })),
};

export const retrieveEventParams = { expand: expandParam() };

type Obj<S> = { [K in keyof S]: Infer<S[K]> };
export type ListEvents = Obj<typeof listEventParams>;
