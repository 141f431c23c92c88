// The repository the answer corpus runs against: a small invoicing project as people
// really lay one out — a Python package under src/, its tests, a TypeScript front end in
// a monorepo folder, a CRLF Windows config, a Go tool indented with tabs, a file without
// a final newline — with blocks repeated on purpose so ambiguity is real.

export const TOTALS_PY = `"""Invoice totals."""
from decimal import Decimal, ROUND_HALF_UP

from invoicing.models import Invoice, Line

TAX_RATE    = Decimal("0.20")
DISCOUNT    = Decimal("0.05")
THRESHOLD   = Decimal("1000")


def line_total(line: Line) -> Decimal:
    """Quantity times unit price, before tax."""
    total = line.quantity * line.unit_price
    return total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def subtotal(invoice: Invoice) -> Decimal:
    total = Decimal("0")
    for line in invoice.lines:
        total += line_total(line)
    return total


def tax(invoice: Invoice) -> Decimal:
    amount = subtotal(invoice) * TAX_RATE
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def discount(invoice: Invoice) -> Decimal:
    total = Decimal("0")
    for line in invoice.lines:
        total += line_total(line)
    if total > THRESHOLD:
        return total * DISCOUNT
    return Decimal("0")


def grand_total(invoice: Invoice) -> Decimal:
    return subtotal(invoice) + tax(invoice) - discount(invoice)
`;

export const MODELS_PY = `from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class Line:
    description: str
    quantity: int
    unit_price: Decimal


@dataclass
class Invoice:
    number: str
    customer: str
    lines: list[Line] = field(default_factory=list)

    def add(self, line: Line) -> None:
        self.lines.append(line)

    def is_empty(self) -> bool:
        return not self.lines
`;

export const FORMAT_PY = `from decimal import Decimal


class Formatter:
    def __init__(self, currency: str = "EUR") -> None:
        self.currency = currency  

    def money(self, amount: Decimal) -> str:
        return f"{amount:.2f} {self.currency}"

    def header(self, number: str) -> str:
        return f"Invoice {number}"


class PlainFormatter(Formatter):
    def money(self, amount: Decimal) -> str:
        return f"{amount:.2f} {self.currency}"

    def header(self, number: str) -> str:
        return f"INVOICE {number}"
`;

export const TEST_TOTALS_PY = `from decimal import Decimal

from invoicing.models import Invoice, Line
from invoicing.totals import grand_total, subtotal


def make_invoice() -> Invoice:
    invoice = Invoice(number="2024-001", customer="ACME")
    invoice.add(Line("Widget", 2, Decimal("10.00")))
    invoice.add(Line("Gadget", 1, Decimal("5.50")))
    return invoice


def test_subtotal():
    assert subtotal(make_invoice()) == Decimal("25.50")


def test_grand_total():
    assert grand_total(make_invoice()) == Decimal("30.60")
`;

export const CART_TS = `import { formatPrice } from './util/strings';

export interface CartItem {
  sku: string;
  name: string;
  price: number;
  quantity: number;
}

export class Cart {
  private items: CartItem[] = [];

  add(item: CartItem): void {
    const existing = this.items.find((i) => i.sku === item.sku);
    if (existing) {
      existing.quantity += item.quantity;
      return;
    }
    this.items.push({ ...item });
  }

  remove(sku: string): void {
    this.items = this.items.filter((i) => i.sku !== sku);
  }

  total(): number {
    let sum = 0;
    for (const item of this.items) {
      sum += item.price * item.quantity;
    }
    return sum;
  }

  count(): number {
    let sum = 0;
    for (const item of this.items) {
      sum += item.quantity;
    }
    return sum;
  }

  summary(): string {
    return \`\${this.count()} items, \${formatPrice(this.total())}\`;
  }
}
`;

export const STRINGS_TS = `export function formatPrice(value: number): string {
  return '$' + value.toFixed(2);
}

export function slug(text: string): string {
  return text.toLowerCase().replace(/\\s+/g, '-');
}
`;

export const SETTINGS_INI = '[invoicing]\r\ncurrency = EUR\r\ntax_rate = 0.20\r\nrounding = half_up\r\n\r\n[export]\r\nformat = pdf\r\npath = C:\\\\invoices\r\n';

export const MAIN_GO = 'package main\n\nimport (\n\t"fmt"\n\t"os"\n)\n\nfunc main() {\n\tif len(os.Args) < 2 {\n\t\tfmt.Println("usage: invtool <file>")\n\t\tos.Exit(2)\n\t}\n\tfmt.Println("reading", os.Args[1])\n}\n';

export const VERSION_TXT = 'invoicing 1.4.2';

export const PYPROJECT = '[project]\nname = "invoicing"\nversion = "1.4.2"\nrequires-python = ">=3.10"\n\n[tool.pytest.ini_options]\npythonpath = ["src"]\n';

export const FILES: Record<string, string> = {
  'pyproject.toml': PYPROJECT,
  'src/invoicing/__init__.py': '',
  'src/invoicing/totals.py': TOTALS_PY,
  'src/invoicing/models.py': MODELS_PY,
  'src/invoicing/format.py': FORMAT_PY,
  'tests/test_totals.py': TEST_TOTALS_PY,
  'packages/web/src/cart.ts': CART_TS,
  'packages/web/src/util/strings.ts': STRINGS_TS,
  'packages/web/package.json': '{\n  "name": "@invoicing/web",\n  "private": true\n}\n',
  'config/settings.ini': SETTINGS_INI,
  'tools/invtool/main.go': MAIN_GO,
  'VERSION': VERSION_TXT,
  '.env': 'STRIPE_KEY=sk_test_123\n',
};

/** Replaces exactly one occurrence of `from` (the test fails loudly when the fixture does not hold it once). */
export function edit(text: string, from: string, to: string): string {
  const first = text.indexOf(from);
  if (first < 0 || text.indexOf(from, first + 1) >= 0) throw new Error(`fixture edit: '${from.slice(0, 40)}' must occur exactly once`);
  return text.slice(0, first) + to + text.slice(first + from.length);
}
