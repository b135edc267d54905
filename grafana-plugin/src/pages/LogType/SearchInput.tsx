import React, { useEffect, useState } from 'react';
import { Field, Icon, Input } from '@grafana/ui';

/** Free-text search in the events' descriptions, applied on Enter or when the field loses focus. */
export function SearchInput({
  value,
  onSearch,
}: {
  value: string;
  onSearch: (q: string) => void;
}): React.JSX.Element {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  const apply = (): void => {
    if (text.trim() !== value) onSearch(text.trim());
  };
  return (
    <Field label="Contains" noMargin>
      <Input
        aria-label="Search text"
        placeholder="Text in the description"
        prefix={<Icon name="search" />}
        width={30}
        value={text}
        onChange={(e) => setText(e.currentTarget.value)}
        onBlur={apply}
        onKeyDown={(e) => e.key === 'Enter' && apply()}
      />
    </Field>
  );
}
