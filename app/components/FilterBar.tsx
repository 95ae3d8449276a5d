import { Form, useSearchParams } from "@remix-run/react";
import { Button, InlineStack, Select, TextField } from "@shopify/polaris";
import { useState } from "react";

export interface FilterField {
  name: string;
  label: string;
  type?: "text" | "date" | "select";
  options?: Array<{ label: string; value: string }>;
  /** Selects: what the list shows when the parameter is absent (the loader's default). */
  defaultValue?: string;
}

/**
 * URL-driven filters: the state lives in the query string (a view can be shared), submitted
 * as a GET form. Field errors from the loader appear beside their field.
 */
export function FilterBar({ fields, errors = {} }: { fields: FilterField[]; errors?: Record<string, string[]> }) {
  const [params] = useSearchParams();
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(fields.map((field) => [field.name, params.get(field.name) ?? field.defaultValue ?? ""])));
  const set = (name: string) => (value: string) => setValues((current) => ({ ...current, [name]: value }));
  return (
    <Form method="get" role="search" aria-label="Filters">
      <InlineStack gap="300" blockAlign="end" wrap>
        {fields.map((field) =>
          field.type === "select" ? (
            <div key={field.name} style={{ minWidth: 160 }}>
              <Select
                label={field.label}
                name={field.name}
                options={field.defaultValue === undefined ? [{ label: "Any", value: "" }, ...(field.options ?? [])] : (field.options ?? [])}
                value={values[field.name]}
                onChange={set(field.name)}
                error={errors[field.name]?.join(", ")}
              />
            </div>
          ) : (
            <div key={field.name} style={{ minWidth: 160 }}>
              <TextField
                label={field.label}
                name={field.name}
                type={field.type === "date" ? "date" : "text"}
                value={values[field.name]}
                onChange={set(field.name)}
                autoComplete="off"
                error={errors[field.name]?.join(", ")}
              />
            </div>
          ),
        )}
        <Button submit variant="primary">
          Apply filters
        </Button>
        <Button url="?">Clear</Button>
      </InlineStack>
    </Form>
  );
}
