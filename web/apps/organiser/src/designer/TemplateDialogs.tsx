// Seat-map templates in the designer: save the map on screen under a name, or start the map
// from one of the organisation's templates (its tiers mapped onto this event's).
import { ApiError, type Manage } from '@boxoffice/api';
import { useAuth } from '@boxoffice/auth';
import type { Layout } from '@boxoffice/seatmap';
import {
  ApiErrorState,
  Button,
  Dialog,
  EmptyState,
  FormErrorProvider,
  FormErrorSummary,
  LoadingState,
  SelectField,
  TextField,
  useRemote,
  useToast,
} from '@boxoffice/ui';
import { type FormEvent, useId, useState } from 'react';
import type { Tier } from '../lib.ts';
import { capacityOf, type DesignModel, fromLayout, toLayout } from './model.ts';
import { needsTierMapping, proposeTierMapping, remapTiers, type TierUse, tiersUsed } from './templates.ts';

type Template = Manage.components['schemas']['Template'];

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}

export function describeCapacity(seats: number, standing: number): string {
  const parts = [plural(seats, 'seat')];
  if (standing) parts.push(`${standing.toLocaleString()} standing`);
  return parts.join(' · ');
}

const NAME_FIELDS = ['/name'];

export function SaveTemplateDialog({
  open,
  organisationId,
  model,
  onClose,
}: {
  open: boolean;
  organisationId: string;
  model: DesignModel;
  onClose: () => void;
}) {
  const auth = useAuth();
  const toast = useToast();
  const [name, setName] = useState('');
  const [local, setLocal] = useState<string>();
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const formId = useId();
  const capacity = capacityOf(model);

  const close = () => {
    setLocal(undefined);
    setError(undefined);
    onClose();
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setLocal(undefined);
    setError(undefined);
    if (!name.trim()) {
      setLocal('Give the template a name to find it by');
      return;
    }
    setBusy(true);
    try {
      await auth.api.manage.post('/api/manage/organisations/{id}/seat-map-templates', {
        path: { id: organisationId },
        body: { name: name.trim(), layout: toLayout(model) as unknown as Record<string, never> },
      });
      toast.show(`Saved as the template “${name.trim()}”`, 'success');
      setName('');
      close();
    } catch (caught) {
      if (!(caught instanceof ApiError)) throw caught;
      // The API names no field for a clash, but the name is what has to change.
      if (caught.code === 'duplicate_template')
        setLocal(`There is already a template called “${name.trim()}”`);
      else setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open={open}
      title="Save as a template"
      onClose={close}
      actions={
        <>
          <Button variant="secondary" onClick={close}>
            Cancel
          </Button>
          <Button type="submit" form={formId} busy={busy}>
            Save template
          </Button>
        </>
      }
    >
      <p>
        The map as it is on screen ({describeCapacity(capacity.seats, capacity.standing)}), unsaved changes
        included. Any event of this organisation can start its seat map from it.
      </p>
      <FormErrorProvider error={error}>
        <form id={formId} onSubmit={submit} noValidate>
          <FormErrorSummary fields={NAME_FIELDS} />
          <TextField
            label="Template name"
            pointer="/name"
            value={name}
            error={local}
            maxLength={200}
            onChange={(e) => setName(e.target.value)}
            hint="For example the venue and its configuration: “Grand Hall, full stalls”"
          />
        </form>
      </FormErrorProvider>
    </Dialog>
  );
}

type Chosen = { template: Template; model: DesignModel; used: TierUse[]; mapping: Record<string, string> };

export function StartFromTemplateDialog({
  open,
  organisationId,
  tiers,
  current,
  onApply,
  onClose,
}: {
  open: boolean;
  organisationId: string;
  tiers: Tier[];
  current: DesignModel;
  onApply: (model: DesignModel, template: Template) => void;
  onClose: () => void;
}) {
  const auth = useAuth();
  const templates = useRemote(
    (signal) =>
      open
        ? auth.api.manage.get('/api/manage/organisations/{id}/seat-map-templates', {
            path: { id: organisationId },
            signal,
          })
        : Promise.resolve([] as Template[]),
    [auth.api, organisationId, open],
  );
  const [chosen, setChosen] = useState<Chosen>();
  const [opening, setOpening] = useState<string>();
  const [openError, setOpenError] = useState<string>();
  const listId = useId();
  const tierIds = tiers.map((tier) => tier.tier_id);
  const mine = capacityOf(current);

  const close = () => {
    setChosen(undefined);
    setOpenError(undefined);
    onClose();
  };
  const choose = async (template: Template) => {
    setOpening(template.seat_map_template_id);
    setOpenError(undefined);
    try {
      const full = await auth.api.manage.get('/api/manage/seat-map-templates/{id}', {
        path: { id: template.seat_map_template_id },
      });
      const model = fromLayout(full.layout as unknown as Layout);
      const used = tiersUsed(model);
      setChosen({ template, model, used, mapping: proposeTierMapping(used, tierIds) });
    } catch (caught) {
      setOpenError(
        caught instanceof ApiError
          ? `“${template.name}” could not be opened: ${caught.message}`
          : String(caught),
      );
    } finally {
      setOpening(undefined);
    }
  };
  const apply = () => {
    if (!chosen) return;
    onApply(remapTiers(chosen.model, chosen.mapping), chosen.template);
    close();
  };

  let body: React.ReactNode;
  if (chosen) {
    const asking = needsTierMapping(chosen.used, tierIds);
    body = (
      <>
        <p>
          This replaces the map you are drafting
          {current.blocks.length
            ? ` (${plural(current.blocks.length, 'block')}, ${describeCapacity(mine.seats, mine.standing)})`
            : ''}{' '}
          with “{chosen.template.name}” (
          {describeCapacity(chosen.template.seat_count, chosen.template.standing_capacity)}). Nothing is saved
          until you save the seat map, and Undo brings the current map back.
        </p>
        {asking ? (
          <fieldset className="template-tiers">
            <legend>Which of this event’s tiers does each part of the template sell?</legend>
            {tiers.length === 0 ? (
              <p className="bx-form-alert" role="alert">
                This event has no tiers yet: add them in the Tiers step, or give the blocks tiers after
                applying.
              </p>
            ) : null}
            {chosen.used.map((use) => (
              <SelectField
                key={use.tierId}
                label={`${use.where.join('; ')}: ${describeCapacity(use.seats, use.standing)}`}
                pointer={`/tiers/${use.tierId}`}
                value={chosen.mapping[use.tierId] ?? ''}
                onChange={(e) =>
                  setChosen({ ...chosen, mapping: { ...chosen.mapping, [use.tierId]: e.target.value } })
                }
              >
                {tiers.map((tier) => (
                  <option key={tier.tier_id} value={tier.tier_id}>
                    {tier.name}
                  </option>
                ))}
              </SelectField>
            ))}
          </fieldset>
        ) : null}
      </>
    );
  } else if (templates.status === 'loading') {
    body = <LoadingState label="Loading the templates…" />;
  } else if (templates.status === 'error') {
    body = <ApiErrorState error={templates.error} onRetry={templates.reload} what="the templates" />;
  } else if (templates.data.length === 0) {
    body = (
      <EmptyState title="No templates yet">
        Save a seat map as a template (“Save as template…” in the designer) and it is listed here for every
        event of the organisation.
      </EmptyState>
    );
  } else {
    body = (
      <>
        <p id={listId}>Choose a template. You can check what it replaces before anything changes.</p>
        <ul className="template-list" aria-labelledby={listId}>
          {templates.data.map((template) => (
            <li key={template.seat_map_template_id}>
              <button
                type="button"
                className="template-item"
                aria-busy={opening === template.seat_map_template_id || undefined}
                disabled={opening !== undefined}
                onClick={() => choose(template)}
              >
                <span className="template-item__name">{template.name}</span>
                <span className="template-item__meta">
                  {describeCapacity(template.seat_count, template.standing_capacity)}
                </span>
              </button>
            </li>
          ))}
        </ul>
        {openError ? (
          <p className="bx-form-alert" role="alert">
            {openError}
          </p>
        ) : null}
      </>
    );
  }

  return (
    <Dialog
      open={open}
      title={chosen ? `Start from “${chosen.template.name}”?` : 'Start from a template'}
      onClose={close}
      actions={
        chosen ? (
          <>
            <Button variant="secondary" onClick={() => setChosen(undefined)}>
              Back to the templates
            </Button>
            <Button onClick={apply}>Replace the seat map</Button>
          </>
        ) : (
          <Button variant="secondary" onClick={close}>
            Cancel
          </Button>
        )
      }
    >
      {body}
    </Dialog>
  );
}
