// Recipes: ready automations an owner who does not code starts from ("New automation").
// Each builds a draft for the automation form from the chosen source's provider, where it
// is tried on a past event before saving. Event types and payload fields per provider
// follow each provider's webhook docs (Stripe Events API, Shopify webhook topics,
// WooCommerce webhook topics, Square webhook events). Amounts: Stripe and Square count
// in the smallest currency unit (cents), Shopify and WooCommerce in decimal text.
import type { ActionConfig } from '../../../shared/actions';
import type { AutomationDraft } from './AutomationForm';

export type RecipeId =
  'notify-orders' | 'notify-refunds' | 'csv-orders' | 'forward-orders' | 'agent-refunds' | 'script';

export interface Recipe {
  id: RecipeId;
  title: string;
  description: string;
  /** Asks for an amount (in the currency's main unit) before the form opens. */
  amount?: boolean;
  /** Asks for a language and writes a starter script before the form opens. */
  starter?: boolean;
}

export const RECIPES: readonly Recipe[] = [
  {
    id: 'notify-orders',
    title: 'Notify me of every new order',
    description: 'A notification on this computer for each order.',
  },
  {
    id: 'notify-refunds',
    title: 'Notify me of refunds over an amount',
    description: 'Only the refunds that matter: above the amount you choose.',
    amount: true,
  },
  {
    id: 'csv-orders',
    title: 'Log every order to a spreadsheet',
    description: 'One row per order in a CSV file that Excel opens.',
  },
  {
    id: 'forward-orders',
    title: 'Forward new orders to my agent’s URL',
    description: 'POST each order to a web address, signed if you like.',
  },
  {
    id: 'agent-refunds',
    title: 'Ask my AI agent to draft a reply to each refund',
    description: 'An OpenAI-compatible model (or a local one) writes the draft; it is kept with the run.',
  },
  {
    id: 'script',
    title: 'Run my own script',
    description: 'Start from a small script in Python, Node.js, PowerShell or shell that you can edit.',
    starter: true,
  },
];

interface ProviderFacts {
  orders: string[];
  orderTitle: string;
  refunds: string[];
  /** The refunded amount's field, and how many of it make one unit of currency. */
  refundAmount: { field: string; perUnit: number };
  refundExtra?: Record<string, unknown>;
  refundText: string;
}

const FACTS: Record<string, ProviderFacts> = {
  stripe: {
    orders: ['checkout.session.completed'],
    orderTitle:
      'New order: {{ payload.data.object.amount_total | money_cents }} {{ payload.data.object.currency | upcase }}',
    refunds: ['charge.refunded'],
    refundAmount: { field: 'payload.data.object.amount_refunded', perUnit: 100 },
    refundText:
      '{{ payload.data.object.amount_refunded | money_cents }} {{ payload.data.object.currency | upcase }}',
  },
  shopify: {
    orders: ['orders/create'],
    orderTitle: 'New order {{ payload.name }}: {{ payload.total_price }} {{ payload.currency }}',
    refunds: ['refunds/create'],
    refundAmount: { field: 'payload.transactions.amount', perUnit: 1 },
    refundText:
      '{{ payload.transactions[0].amount }} {{ payload.transactions[0].currency }} on order {{ payload.order_id }}',
  },
  woocommerce: {
    orders: ['order.created'],
    orderTitle: 'New order #{{ payload.number }}: {{ payload.total }} {{ payload.currency }}',
    refunds: ['order.updated'],
    refundAmount: { field: 'payload.total', perUnit: 1 },
    refundExtra: { 'payload.status': { $eq: 'refunded' } },
    refundText: 'Order #{{ payload.number }}: {{ payload.total }} {{ payload.currency }}',
  },
  square: {
    orders: ['order.created'],
    orderTitle: 'New order {{ payload.data.id }}',
    refunds: ['refund.created'],
    refundAmount: { field: 'payload.data.object.refund.amount_money.amount', perUnit: 100 },
    refundText:
      '{{ payload.data.object.refund.amount_money.amount | money_cents }} {{ payload.data.object.refund.amount_money.currency }}',
  },
};

const GENERIC: ProviderFacts = {
  orders: [],
  orderTitle: 'New {{ type }} from {{ source }}',
  refunds: [],
  refundAmount: { field: 'payload.amount', perUnit: 1 },
  refundText: '{{ type }} from {{ source }}',
};

export const factsFor = (provider: string | undefined): ProviderFacts => FACTS[provider ?? ''] ?? GENERIC;

/** The amount as the provider writes it: 100 (dollars) is 10000 for Stripe and Square (cents). */
export function providerAmount(provider: string | undefined, amount: number): number {
  return Math.round(amount * factsFor(provider).refundAmount.perUnit * 100) / 100;
}

/**
 * The draft a recipe opens the form with. `amount` is in the currency's main unit
 * (notify-refunds); `scriptPath` is the starter script written for the `script` recipe.
 */
export function recipeDraft(
  recipe: RecipeId,
  source: { id: string; provider?: string },
  opts: { amount?: number; scriptPath?: string } = {},
): AutomationDraft {
  const f = factsFor(source.provider);
  const base = { source: source.id };
  const draft = (name: string, events: string[], action: ActionConfig, conditions?: AutomationDraft['conditions']) => ({
    ...base,
    name,
    events,
    action,
    ...(conditions ? { conditions } : {}),
  });
  switch (recipe) {
    case 'notify-orders':
      return draft('Notify me of new orders', f.orders, {
        kind: 'notify',
        title: f.orderTitle,
        body: 'From {{ source }}',
      });
    case 'notify-refunds': {
      const amount = opts.amount ?? 100;
      return draft(
        `Refunds over ${amount}`,
        f.refunds,
        { kind: 'notify', title: `Refund: ${f.refundText}`, body: 'From {{ source }}' },
        { ...f.refundExtra, [f.refundAmount.field]: { $gt: providerAmount(source.provider, amount) } },
      );
    }
    case 'csv-orders':
      return draft('Log orders to a spreadsheet', f.orders, {
        kind: 'csv',
        file: '',
        columns: [
          { name: 'Received', value: '{{ receivedAt }}' },
          { name: 'Order', value: f.orderTitle },
          { name: 'Event', value: '{{ id }}' },
        ],
      });
    case 'forward-orders':
      return draft('Forward orders to my agent', f.orders, { kind: 'forward', url: '', headers: [] });
    case 'agent-refunds':
      return draft('Draft a reply to each refund', f.refunds, {
        kind: 'agent',
        baseUrl: 'https://api.openai.com/v1',
        model: 'gpt-4o-mini',
        instructions:
          'You help a small shop owner. Draft a short, friendly email to the customer about this refund. Reply with the draft only.',
        message: `Refund: ${f.refundText}`,
        timeoutSeconds: 60,
      });
    case 'script':
      return draft('Run my script', f.orders.length ? f.orders : ['*'], {
        kind: 'script',
        command: opts.scriptPath ?? '',
        args: [],
        cwd: null,
        timeoutSeconds: 60,
      });
  }
}
