import { errors } from '../../errors/catalogue.js';

/**
 * Statement descriptor rules (https://docs.stripe.com/get-started/account/statement-descriptors):
 * Latin characters only, at least one letter, none of < > \ ' " *, at most 22 characters; a
 * complete descriptor (what `statement_descriptor` is for non-card methods such as Amazon Pay)
 * has at least 5. A suffix is appended to the account's prefix, so it only needs a letter.
 */
const FORBIDDEN = /[<>\\'"*]/;
// Printable ASCII plus the Latin-1 and Latin Extended-A letters.
const LATIN = /^[\x20-\x7E\u00C0-\u017F]*$/;

export function checkStatementDescriptor(value: string, param: 'statement_descriptor' | 'statement_descriptor_suffix'): void {
  const length = [...value].length;
  if (length > 22) throw errors.statementDescriptorInvalid(param, `The statement descriptor must be at most 22 characters. ${value} is ${length} characters long.`);
  if (param === 'statement_descriptor' && length < 5) throw errors.statementDescriptorInvalid(param, `The statement descriptor must be at least 5 characters. ${value} is ${length} characters long.`);
  if (!LATIN.test(value)) throw errors.statementDescriptorInvalid(param, 'The statement descriptor may only contain Latin characters.');
  if (FORBIDDEN.test(value)) throw errors.statementDescriptorInvalid(param, `The statement descriptor cannot contain any of the following special characters: < > \\ ' " *.`);
  if (!/[A-Za-z\u00C0-\u017F]/.test(value)) throw errors.statementDescriptorInvalid(param, 'The statement descriptor must contain at least one letter.');
}

/** What appears on statements when the intent sets none: the account's name, made valid. */
export function accountDescriptor(displayName: string): string {
  const cleaned = displayName.replace(/[<>\\'"*]/g, '').replace(/[^\x20-\x7E]/g, '').trim().toUpperCase().slice(0, 22);
  return /[A-Z]/.test(cleaned) && cleaned.length >= 5 ? cleaned : 'ONFILE PAYMENT';
}
