// Form fields that show the API's error on the field it names. The services answer bad input
// with `{"error": {"field": "/venue/city", ...}}`, a JSON pointer into the request body; a form
// puts the ApiError in context and each field, registered under its own pointer, shows the
// message meant for it. An error no field claims is shown above the form so it is never lost.
import type { ApiError } from '@boxoffice/api';
import {
  createContext,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  useContext,
  useId,
} from 'react';

/** Normalises a field reference: "/a/b" stays, "a.b" or "a" (a parameter name) becomes "/a/b". */
export function toPointer(field: string): string {
  if (field === '' || field.startsWith('/')) return field;
  return `/${field.split('.').join('/')}`;
}

/** The JSON pointer of a path of keys, escaping "~" and "/" as RFC 6901 says. */
export function pointerOf(...keys: (string | number)[]): string {
  return keys.map((key) => `/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/**
 * The message for the field at `pointer`, if the error names it. With `withinPointer`, an error
 * on anything below it also counts (a seat-map field owns "/blocks/3/seats/7").
 */
export function fieldErrorMessage(
  error: Pick<ApiError, 'field' | 'message'> | undefined | null,
  pointer: string,
  options: { withinPointer?: boolean } = {},
): string | undefined {
  if (!error?.field) return undefined;
  const named = toPointer(error.field);
  const wanted = toPointer(pointer);
  if (named === wanted) return error.message;
  if (options.withinPointer && named.startsWith(`${wanted}/`)) return error.message;
  return undefined;
}

/** The message no field of the form claims (an error without a field, or for an unknown one). */
export function unclaimedErrorMessage(
  error: Pick<ApiError, 'field' | 'message'> | undefined | null,
  pointers: readonly string[],
): string | undefined {
  if (!error) return undefined;
  const claimed = pointers.some((pointer) => fieldErrorMessage(error, pointer, { withinPointer: true }));
  return claimed ? undefined : error.message;
}

const FormErrorContext = createContext<ApiError | undefined>(undefined);

export function FormErrorProvider({ error, children }: { error: ApiError | undefined; children: ReactNode }) {
  return <FormErrorContext.Provider value={error}>{children}</FormErrorContext.Provider>;
}

/** Shows the error no listed field claims, in an alert above the form. */
export function FormErrorSummary({ fields }: { fields: readonly string[] }) {
  const message = unclaimedErrorMessage(useContext(FormErrorContext), fields);
  if (!message) return null;
  return (
    <div className="bx-form-alert" role="alert">
      {message}
    </div>
  );
}

interface FieldFrameProps {
  label: string;
  /** The JSON pointer of this value in the request body, e.g. "/title" or "/venue/city". */
  pointer: string;
  hint?: ReactNode;
  /** A client-side message that wins over the API's (e.g. from validation before sending). */
  error?: string;
}

function useFieldError(pointer: string, local?: string): string | undefined {
  const apiError = useContext(FormErrorContext);
  return local ?? fieldErrorMessage(apiError, pointer);
}

function FieldFrame({
  id,
  label,
  hint,
  error,
  children,
}: {
  id: string;
  label: string;
  hint?: ReactNode;
  error?: string;
  children: ReactNode;
}) {
  return (
    <div className="bx-field">
      <label className="bx-field__label" htmlFor={id}>
        {label}
      </label>
      {hint ? (
        <span className="bx-field__hint" id={`${id}-hint`}>
          {hint}
        </span>
      ) : null}
      {children}
      {error ? (
        <span className="bx-field__error" id={`${id}-error`}>
          {error}
        </span>
      ) : null}
    </div>
  );
}

function describedBy(id: string, hint: unknown, error: unknown): string | undefined {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

export type TextFieldProps = FieldFrameProps & Omit<InputHTMLAttributes<HTMLInputElement>, 'id'>;

export function TextField({ label, pointer, hint, error: local, ...input }: TextFieldProps) {
  const id = useId();
  const error = useFieldError(pointer, local);
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error}>
      <input
        id={id}
        className="bx-field__control"
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        {...input}
      />
    </FieldFrame>
  );
}

export type SelectFieldProps = FieldFrameProps & Omit<SelectHTMLAttributes<HTMLSelectElement>, 'id'>;

export function SelectField({ label, pointer, hint, error: local, children, ...select }: SelectFieldProps) {
  const id = useId();
  const error = useFieldError(pointer, local);
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error}>
      <select
        id={id}
        className="bx-field__control"
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        {...select}
      >
        {children}
      </select>
    </FieldFrame>
  );
}
